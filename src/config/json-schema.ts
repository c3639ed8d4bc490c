import { z } from 'zod';
import { ConfigSchema } from './schema.js';

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** JSON Schema of a config file (every key optional, with its default and description), for editors and docs. */
export function configJsonSchema(): JsonSchema {
  return z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' });
}

/** The exact text of `schema/config.schema.json`. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** The schema node that describes the value at `path`, following properties, array items and record values. */
export function schemaNodeAt(root: JsonSchema, path: readonly (string | number)[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const seg of path) {
    if (node === undefined) return undefined;
    if (typeof seg === 'number') {
      node = asSchema(node.items);
    } else {
      node = asSchema(node.properties?.[seg]) ?? asSchema(node.additionalProperties);
    }
  }
  return node;
}

function asSchema(v: unknown): JsonSchema | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonSchema) : undefined;
}

/** "an integer from 1 to 64", "one of \"squash\", \"merge\"", "an array of strings", ... */
export function describeSchemaNode(node: JsonSchema): string {
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (node.type) {
    case 'integer':
    case 'number': {
      const noun = node.type === 'integer' ? 'an integer' : 'a number';
      const { minimum: min, maximum: max } = node;
      if (min !== undefined && max !== undefined && max < Number.MAX_SAFE_INTEGER) return `${noun} from ${min} to ${max}`;
      if (min !== undefined) return `${noun} >= ${min}`;
      if (max !== undefined) return `${noun} <= ${max}`;
      return noun;
    }
    case 'string':
      return node.minLength !== undefined && node.minLength > 0 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array': {
      const items = asSchema(node.items);
      return items?.type === 'string' ? 'an array of strings, like ["a", "b"]' : 'an array';
    }
    case 'object': {
      const values = asSchema(node.additionalProperties);
      return values?.type === 'string' ? 'a table of strings, like { NAME = "value" }' : 'a table';
    }
    default:
      return 'a valid value';
  }
}
