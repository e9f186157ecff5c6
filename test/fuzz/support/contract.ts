import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The part of a JSON schema (OpenAPI 3.0 flavour) the generators read. */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly example?: unknown;
  readonly default?: unknown;
  readonly pattern?: string;
  readonly nullable?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly oneOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: Schema;
}

export interface Operation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The contract's path template, e.g. `/api/v1/deliveries/{id}`. */
  readonly path: string;
  readonly parameters: readonly Parameter[];
  /** Content type → schema of the request body, when the operation takes one. */
  readonly body: ReadonlyMap<string, Schema> | undefined;
  readonly statuses: readonly number[];
}

interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

interface RawOperation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
}

/** openapi.yaml, the contract the fuzzers generate requests from. */
export class Contract {
  private readonly document: Document;

  constructor(path = join(__dirname, '..', '..', '..', 'openapi.yaml')) {
    this.document = parse(readFileSync(path, 'utf8')) as Document;
  }

  operations(): Operation[] {
    return Object.entries(this.document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, raw]) => ({
        operationId: raw.operationId,
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters: (raw.parameters ?? []).map((parameter) => ({
          ...parameter,
          required: parameter.required === true,
          schema: this.resolve(parameter.schema),
        })),
        body: raw.requestBody
          ? new Map(Object.entries(raw.requestBody.content).map(([type, { schema }]) => [type, schema]))
          : undefined,
        statuses: Object.keys(raw.responses).map(Number),
      })),
    );
  }

  /** Follows `$ref`s and merges `allOf`, one level: nested schemas are resolved when a generator reaches them. */
  resolve(schema: Schema | undefined): Schema {
    if (!schema) {
      return {};
    }
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const { $ref: _ref, ...rest } = schema;
      return this.resolve({ ...this.document.components.schemas[name], ...rest });
    }
    if (schema.allOf) {
      const parts = schema.allOf.map((part) => this.resolve(part));
      const { allOf: _allOf, ...rest } = schema;
      return parts.reduce<Schema>(
        (merged, part) => ({
          ...merged,
          ...part,
          properties: { ...merged.properties, ...part.properties },
          required: [...(merged.required ?? []), ...(part.required ?? [])],
        }),
        rest,
      );
    }
    return schema;
  }
}
