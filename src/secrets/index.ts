export { SECRET_SHAPES, secretShape } from './shapes.js';
export { createRedactor, redactDeep, secretValues, REDACTED, SECRET_ENV_NAME, type Redactor } from './redact.js';
