export { SECRET_SHAPES, secretShape } from './shapes.js';
export { createRedactor, redactDeep, redactJson, secretValues, REDACTED, SECRET_ENV_NAME, type Redactor } from './redact.js';
export { cliCredentialValues } from './cli-credentials.js';
