export { ConfigError, FLAGS_SOURCE, formatIssue, formatWarning } from './errors.js';
export type { ConfigIssue, ConfigWarning } from './errors.js';
export { configJsonSchema, configJsonSchemaText } from './json-schema.js';
export type { JsonSchema } from './json-schema.js';
export { agentNames } from './agent-names.js';
export { loadConfig, loadTrustedProjectText } from './load.js';
export type { LoadConfigOptions, LoadConfigResult } from './load.js';
export {
  AGENT_BACKENDS,
  ConfigSchema,
  DEFAULT_ALLOWED_TOOLS,
  defaultConfig,
  MERGE_STRATEGIES,
  PERMISSION_MODES,
  SECRET_NAME,
} from './schema.js';
export type { Config, ConfigInput } from './schema.js';
export { defaultConfigToml } from './template.js';
export { drift, fingerprint, type Fingerprint } from './drift.js';
export { hasKey, setTomlKey, type TomlScalar } from './edit.js';
export { explainConfig, type ExplainedValue, type ExplainResult } from './explain.js';
export { keysNeedingTrust, projectMaySet, trust, trustState, untrust, userOnly, type TrustState } from './trust.js';
