export { BUDGET_KEYS, WARN_AT, budgetValueProblem, createBudget, describeLine, formatAmount, type Budget, type BudgetKey, type BudgetLine, type BudgetScope } from './budget.js';
export { dayKey, endOfDay, isTimeZone, startOfDay } from './day.js';
