// GitHub's OpenAPI description as request/response validators for the test server. Test-only.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

export type Description = 'api.github.com' | 'ghes-3.19';

type Node = Record<string, unknown>;
type Pointer = readonly string[];

interface Spec {
  paths: Record<string, Record<string, unknown>>;
  components: Node;
}

export interface OperationSpec {
  operationId: string;
  method: string;
  path: string;
  /** Problems with the request, empty when it conforms. */
  checkRequest(req: { params: Record<string, string>; query: URLSearchParams; body: unknown }): string[];
  /** Builds a response body: the schema's required fields with placeholders, `overlay` on top (every overlay key must be declared). */
  build(status: number, overlay: unknown): unknown;
  /** Problems with a response, empty when it conforms. */
  checkResponse(status: number, body: unknown): string[];
}

const loaded = new Map<Description, Promise<OpenApi>>();

/** Loads (once per process) and wraps one GitHub OpenAPI description. */
export function loadOpenApi(description: Description = 'api.github.com'): Promise<OpenApi> {
  let promise = loaded.get(description);
  if (!promise) {
    promise = (async () => {
      const require = createRequire(import.meta.url);
      const file = require.resolve(`@octokit/openapi/generated/${description}.json`);
      return new OpenApi(JSON.parse(await readFile(file, 'utf8')) as Spec);
    })();
    loaded.set(description, promise);
  }
  return promise;
}

const encodePointer = (parts: Pointer) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

const describeErrors = (where: string, v: ValidateFunction) =>
  (v.errors ?? []).slice(0, 20).map((e) => `${where}${e.instancePath || ''} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);

export class OpenApi {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly operations = new Map<string, OperationSpec>();

  constructor(private readonly spec: Spec) {
    normaliseNullable(spec);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // GitHub's own formats, beside the standard ones ajv-formats knows.
    this.ajv.addFormat('repo.nwo', /^[\w.-]+\/[\w.-]+$/);
    this.ajv.addFormat('timestamp', true);
    this.ajv.addSchema({ $id: 'gh', paths: spec.paths, components: spec.components });
  }

  /** The node at `pointer`, following `$ref`s; returns the node and where it really lives. */
  resolve(pointer: Pointer): { node: Node; at: Pointer } {
    let at = pointer;
    let node: unknown = this.spec;
    for (const part of at) node = (node as Node | undefined)?.[part];
    for (let hops = 0; node && typeof (node as Node).$ref === 'string'; hops++) {
      if (hops > 20) throw new Error(`$ref loop at #/${at.join('/')}`);
      at = ((node as Node).$ref as string).replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      node = this.spec;
      for (const part of at) node = (node as Node | undefined)?.[part];
    }
    if (!node || typeof node !== 'object') throw new Error(`nothing at #/${pointer.join('/')}`);
    return { node: node as Node, at };
  }

  private validator(at: Pointer): ValidateFunction {
    const key = at.join('/');
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile({ $ref: `gh#/${encodePointer(at)}` });
      this.validators.set(key, v);
    }
    return v;
  }

  operation(method: string, path: string): OperationSpec {
    const key = `${method.toUpperCase()} ${path}`;
    const cached = this.operations.get(key);
    if (cached) return cached;
    const lower = method.toLowerCase();
    if (!this.spec.paths[path]?.[lower]) throw new Error(`${key} is not in GitHub's OpenAPI description`);
    const opAt = ['paths', path, lower];
    const op = this.resolve(opAt).node;
    const parameters = [...((this.spec.paths[path]?.parameters as unknown[] | undefined) ?? []).map((_, i) => ['paths', path, 'parameters', String(i)]), ...((op.parameters as unknown[] | undefined) ?? []).map((_, i) => [...opAt, 'parameters', String(i)])].map((p) => {
      const { node, at } = this.resolve(p);
      return { name: node.name as string, in: node.in as string, required: node.required === true, schema: node.schema as Node | undefined, schemaAt: [...at, 'schema'] };
    });

    const errorAt: Pointer = ['components', 'schemas', 'basic-error'];
    const responseAt = (status: number): Pointer | 'no-content' | undefined => {
      const responses = op.responses as Node;
      const entry = responses[String(status)] ? String(status) : responses.default ? 'default' : undefined;
      if (!entry) return undefined;
      const { node, at } = this.resolve([...opAt, 'responses', entry]);
      const content = node.content as Node | undefined;
      // Real GitHub sends `{ message, documentation_url }` with every error even where the description
      // lists none (e.g. 422 "Reference does not exist" on DELETE git/refs); such errors use basic-error.
      if (!content?.['application/json']) return status >= 400 ? errorAt : 'no-content';
      return [...at, 'content', 'application/json', 'schema'];
    };

    const spec: OperationSpec = {
      operationId: op.operationId as string,
      method: method.toUpperCase(),
      path,
      checkRequest: ({ params, query, body }) => {
        const problems: string[] = [];
        for (const p of parameters.filter((x) => x.in === 'path' || x.in === 'query')) {
          const raw = p.in === 'path' ? params[p.name] : (query.get(p.name) ?? undefined);
          if (raw === undefined) {
            if (p.required) problems.push(`${p.in} parameter ${p.name} is required`);
            continue;
          }
          const v = this.validator(p.schemaAt);
          if (!v(coerce(raw, p.schema))) problems.push(...describeErrors(`${p.in} parameter ${p.name}`, v));
        }
        const known = new Set(parameters.filter((x) => x.in === 'query').map((x) => x.name));
        for (const name of new Set(query.keys())) if (!known.has(name)) problems.push(`query parameter ${name} is not defined for ${key}`);
        const requestBody = op.requestBody ? this.resolve([...opAt, 'requestBody']) : undefined;
        if (!requestBody) {
          if (body !== undefined) problems.push(`${key} takes no request body`);
        } else if (body === undefined) {
          if (requestBody.node.required === true) problems.push(`${key} requires a JSON body`);
        } else {
          const v = this.validator([...requestBody.at, 'content', 'application/json', 'schema']);
          if (!v(body)) problems.push(...describeErrors('body', v));
        }
        return problems;
      },
      build: (status, overlay) => {
        const at = responseAt(status);
        if (at === 'no-content') return undefined;
        return fill(this, at ?? (status >= 400 ? errorAt : undefined), overlay, `${key} ${status}`);
      },
      checkResponse: (status, body) => {
        const at = responseAt(status);
        if (at === undefined && status < 400) return [`${key} does not document status ${status}`];
        if (at === 'no-content') return body === undefined ? [] : [`${key} ${status} has no body in the description`];
        const v = this.validator(at ?? errorAt);
        return v(body) ? [] : describeErrors(`response ${status}`, v);
      },
    };
    this.operations.set(key, spec);
    return spec;
  }
}

/**
 * OpenAPI 3.0 puts `nullable: true` beside `oneOf`/`allOf` without a `type`, which ajv refuses; such a node
 * becomes `anyOf: [<node>, { type: 'null' }]`, the same meaning in JSON Schema.
 */
function normaliseNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) normaliseNullable(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Node;
  for (const value of Object.values(obj)) normaliseNullable(value);
  // ajv checks `enum` on its own, so a nullable enum must list null itself.
  if (obj.nullable === true && Array.isArray(obj.enum) && !obj.enum.includes(null)) obj.enum.push(null);
  if (obj.nullable === true && obj.type === undefined && obj.$ref === undefined) {
    const inner: Node = { ...obj };
    delete inner.nullable;
    for (const key of Object.keys(obj)) delete obj[key];
    obj.anyOf = [inner, { type: 'null' }];
  }
}

function coerce(raw: string, schema: Node | undefined): unknown {
  switch (schema?.type) {
    case 'integer':
    case 'number':
      return raw.trim() === '' ? raw : Number(raw);
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'array':
      return raw.split(',');
    default:
      return raw;
  }
}

const PLACEHOLDER_STRINGS: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  uri: 'https://example.invalid/placeholder',
  'uri-template': 'https://example.invalid/placeholder{/x}',
  email: 'placeholder@example.invalid',
  uuid: '00000000-0000-4000-8000-000000000000',
};

/**
 * A value for the schema at `at`: the overlay where given, placeholders for the required rest. An overlay
 * key the schema does not declare throws, so a field Orch reads cannot silently disappear from the API.
 */
function fill(api: OpenApi, at: Pointer | undefined, overlay: unknown, where: string): unknown {
  if (!at) return overlay;
  return sample(api, api.resolve(at).node, overlay, where);
}

function merged(api: OpenApi, schema: Node): Node {
  const parts = (schema.allOf as Node[] | undefined)?.map((s) => merged(api, deref(api, s)));
  if (!parts) return schema;
  const out: Node = { ...schema, properties: { ...(schema.properties as Node) }, required: [...((schema.required as string[]) ?? [])] };
  for (const part of parts) {
    Object.assign(out.properties as Node, part.properties ?? {});
    (out.required as string[]).push(...((part.required as string[]) ?? []));
    if (part.type) out.type = part.type;
    if (part.nullable) out.nullable = true;
  }
  return out;
}

function deref(api: OpenApi, schema: Node): Node {
  if (typeof schema.$ref !== 'string') return schema;
  return api.resolve(schema.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))).node;
}

function sample(api: OpenApi, raw: Node, overlay: unknown, where: string): unknown {
  let schema = merged(api, deref(api, raw));
  const choices = (schema.oneOf ?? schema.anyOf) as Node[] | undefined;
  if (choices) {
    const options = choices.map((c) => merged(api, deref(api, c)));
    const keys = overlay && typeof overlay === 'object' && !Array.isArray(overlay) ? Object.keys(overlay) : [];
    const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);
    const fits = (o: Node) =>
      overlay === undefined ||
      (keys.length > 0 ? keys.every((k) => k in ((o.properties as Node | undefined) ?? {})) : o.type === typeOf(overlay) || (o.type === 'number' && typeOf(overlay) === 'integer'));
    schema = { ...(options.find(fits) ?? options[0] ?? {}), ...(schema.nullable ? { nullable: true } : {}) };
  }
  if (overlay === null) return null;
  const properties = schema.properties as Record<string, Node> | undefined;
  if (schema.type === 'object' || properties) {
    if (overlay !== undefined && (typeof overlay !== 'object' || Array.isArray(overlay))) throw new Error(`${where}: expected an object, overlay has ${JSON.stringify(overlay)}`);
    if (overlay === undefined && schema.nullable) return null;
    const given = (overlay ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of (schema.required as string[] | undefined) ?? []) {
      const prop = properties?.[key];
      out[key] = prop ? sample(api, prop, given[key], `${where}.${key}`) : given[key];
    }
    for (const [key, value] of Object.entries(given)) {
      if (key in out) continue;
      const prop = properties?.[key];
      if (!prop && !schema.additionalProperties) throw new Error(`${where}: field "${key}" is not in GitHub's schema`);
      out[key] = prop ? sample(api, prop, value, `${where}.${key}`) : value;
    }
    return out;
  }
  if (schema.type === 'array') {
    if (overlay === undefined) return [];
    if (!Array.isArray(overlay)) throw new Error(`${where}: expected an array, overlay has ${JSON.stringify(overlay)}`);
    const items = schema.items as Node | undefined;
    return items ? overlay.map((item, i) => sample(api, items, item, `${where}[${i}]`)) : overlay;
  }
  if (overlay !== undefined) return overlay;
  if (schema.nullable) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return PLACEHOLDER_STRINGS[schema.format as string] ?? 'placeholder';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    default:
      return null;
  }
}
