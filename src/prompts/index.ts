export { loadTemplate, renderTemplate, TemplateError, type TemplateSource } from './templates.js';
export { builtinTemplates, maintenanceKinds } from './builtin.js';
