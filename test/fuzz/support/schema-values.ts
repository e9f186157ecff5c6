import fc from 'fast-check';
import type { Contract, Schema } from './contract';

/** A place in a JSON value: object keys and array indexes from the root. */
export type ValuePath = readonly (string | number)[];

/** Marks a property to drop rather than replace. */
export const ABSENT = Symbol('absent');

/**
 * Values for a name the schema cannot say enough about: the 1C ids of seeded master data, so that a generated
 * request gets past "no such counterparty" to the code behind it.
 */
export interface ValueHints {
  readonly ids: readonly string[];
}

const ID_NAME = /(?:^id$|Id$|^onecId$|Ref$)/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isoDate = fc
  .date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Hostile strings: empty, NUL, control and bidi characters, huge, injections, numbers and dates that are not. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\u202e\u200b\ufeff',
    '☃𝄞👩‍👩‍👧',
    '\ud800',
    "1' OR '1'='1",
    '"; DROP TABLE deliveries; --',
    '../../../../etc/passwd',
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '%00',
    '1e309',
    'NaN',
    '-0',
    '0x10',
    '-1',
    '1.5',
    '9223372036854775808',
    '1'.repeat(40),
    '2024-02-30',
    '2024-02-30T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '0000-00-00T00:00:00',
    'true',
    'null',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 300, max: 70_000 }).map((length) => 'x'.repeat(length)),
);

/** A JSON value `depth` levels deep, around the body parsers' nesting limit of 16. */
const deep = fc
  .tuple(fc.integer({ min: 12, max: 40 }), fc.boolean())
  .map(([depth, arrays]) =>
    Array.from({ length: depth }).reduce<unknown>((inner) => (arrays ? [inner] : { a: inner }), 1),
  );

/** Hostile JSON values: every type where another is expected, extremes, deep nesting, huge arrays, operators. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, -0),
  fc.constantFrom([], {}, [null], { $ne: 1 }, { $gt: '' }, ['a', 'b']),
  deep,
  fc.integer({ min: 501, max: 5_000 }).map((length) => Array.from({ length }, () => 1)),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every path into a JSON value, the root included. */
export function pathsOf(value: unknown, prefix: ValuePath = []): ValuePath[] {
  const inner =
    Array.isArray(value) || (value !== null && typeof value === 'object')
      ? Object.entries(value).flatMap(([key, child]) =>
          pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
        )
      : [];
  return [prefix, ...inner];
}

/** A copy of `value` with the node at `path` replaced (or dropped, for ABSENT). */
export function replaceAt(value: unknown, path: ValuePath, replacement: unknown): unknown {
  if (path.length === 0) {
    return replacement === ABSENT ? undefined : replacement;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...(value as unknown[])];
    if (rest.length === 0 && replacement === ABSENT) {
      copy.splice(Number(head), 1);
    } else {
      copy[Number(head)] = replaceAt(copy[Number(head)], rest, replacement);
    }
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === ABSENT) {
    delete copy[head];
  } else {
    copy[head] = replaceAt(copy[head], rest, replacement);
  }
  return copy;
}

/** `valid` spoilt in one place: a node replaced by a hostile value, dropped, or an unknown property added. */
export function spoilt(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom('replace', 'replace', 'drop', 'extra'),
      hostileValue,
      fc.constantFrom('status', 'id', '__proto__', 'constructor', 'x'.repeat(300), ''),
    )
    .map(([value, pick, action, hostile, extraKey]) => {
      const paths = pathsOf(value);
      const path = paths[pick % paths.length];
      if (action === 'drop') {
        return replaceAt(value, path, ABSENT);
      }
      if (action === 'extra') {
        const objects = paths.filter((candidate) => isObject(at(value, candidate)));
        const target = objects.length ? objects[pick % objects.length] : [];
        const node = at(value, target);
        // defineProperty so that `__proto__` becomes a key of the JSON text, not the object's prototype.
        const extended = Object.defineProperty({ ...(isObject(node) ? node : {}) }, extraKey, {
          value: hostile,
          enumerable: true,
        });
        return replaceAt(value, target, extended);
      }
      return replaceAt(value, path, hostile);
    });
}

export function at(value: unknown, path: ValuePath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Generators of valid values, deterministic base values and boundary values, from the contract's schemas. */
export class SchemaValues {
  constructor(
    private readonly contract: Contract,
    private readonly hints: ValueHints,
  ) {}

  /** Values the schema allows, leaning on its examples and formats so that most pass validation. */
  valid(raw: Schema | undefined, name = '', depth = 0): fc.Arbitrary<unknown> {
    const schema = this.contract.resolve(raw);
    const plain = this.validNotNull(schema, name, depth);
    return schema.nullable ? fc.oneof(plain, fc.constant(null)) : plain;
  }

  private validNotNull(schema: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
    if (schema.enum) {
      return fc.constantFrom(...schema.enum);
    }
    const variants = schema.oneOf ?? schema.anyOf;
    if (variants) {
      return fc.oneof(...variants.map((variant) => this.valid(variant, name, depth)));
    }
    switch (schema.type ?? 'object') {
      case 'string':
        return this.validString(schema, name);
      case 'integer':
        return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1_000, 2 ** 31 - 1) });
      case 'number':
        return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1_000, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const minLength = schema.minItems ?? 0;
        return fc.array(this.valid(schema.items, name, depth + 1), {
          minLength,
          maxLength: Math.min(schema.maxItems ?? 3, Math.max(minLength, 3)),
        });
      }
      default:
        if (schema.properties && depth < 8) {
          const required = new Set(schema.required ?? []);
          return fc.record(
            Object.fromEntries(
              Object.entries(schema.properties).map(([key, property]) => [key, this.valid(property, key, depth + 1)]),
            ),
            { requiredKeys: [...required] },
          );
        }
        return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    }
  }

  private validString(schema: Schema, name: string): fc.Arbitrary<string> {
    const maxLength = schema.maxLength ?? 60;
    if (schema.format === 'uuid' || ID_NAME.test(name)) {
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...this.hints.ids) }, fc.uuid());
    }
    if (schema.format === 'date' || (typeof schema.example === 'string' && DATE.test(schema.example))) {
      return isoDate.map((iso) => iso.slice(0, 10));
    }
    if (schema.format === 'date-time') {
      return isoDate;
    }
    if (schema.pattern) {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length <= maxLength);
    }
    const free = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(maxLength, 40) });
    return typeof schema.example === 'string'
      ? fc.oneof({ weight: 3, arbitrary: fc.constant(schema.example) }, free)
      : free;
  }

  /**
   * Values near `base` (which must be valid): each leaf kept or replaced by a generated valid value, optional
   * properties sometimes left out. Far more of these pass validation than values generated from nothing, so more
   * requests reach the handlers.
   */
  nearBase(raw: Schema | undefined, base: unknown, name = ''): fc.Arbitrary<unknown> {
    const schema = this.contract.resolve(raw);
    if (schema.properties && isObject(base)) {
      const required = new Set(schema.required ?? []);
      return fc.record(
        Object.fromEntries(
          Object.entries(schema.properties).map(([key, property]) => [key, this.nearBase(property, base[key], key)]),
        ),
        { requiredKeys: Object.keys(schema.properties).filter((key) => required.has(key)) },
      );
    }
    if (schema.type === 'array' && Array.isArray(base) && base.length > 0) {
      return fc.array(this.nearBase(schema.items, base[0], name), {
        minLength: Math.max(schema.minItems ?? 0, 1),
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    }
    return fc.oneof({ weight: 3, arbitrary: fc.constant(base) }, { weight: 1, arbitrary: this.valid(schema, name) });
  }

  /** One valid value, the same every time: examples, first enum members, every optional property present. */
  base(raw: Schema | undefined, name = '', depth = 0): unknown {
    const schema = this.contract.resolve(raw);
    if (schema.example !== undefined && schema.type !== 'object' && schema.type !== 'array') {
      return schema.example;
    }
    if (schema.default !== undefined) {
      return schema.default;
    }
    if (schema.enum) {
      return schema.enum[0];
    }
    const variants = schema.oneOf ?? schema.anyOf;
    if (variants) {
      return this.base(variants[0], name, depth);
    }
    switch (schema.type ?? 'object') {
      case 'string':
        if (schema.format === 'uuid' || ID_NAME.test(name)) {
          return this.hints.ids[0];
        }
        if (schema.format === 'date') {
          return '2026-12-05';
        }
        if (schema.format === 'date-time') {
          return '2026-12-05T10:00:00Z';
        }
        return schema.pattern ? fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { seed: 1 })[0] : 'fuzz';
      case 'integer':
      case 'number':
        return schema.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return Array.from({ length: Math.max(schema.minItems ?? 1, 1) }, () =>
          this.base(schema.items, name, depth + 1),
        );
      default:
        if (schema.nullable && !schema.properties) {
          return null;
        }
        return schema.properties && depth < 8
          ? Object.fromEntries(
              Object.entries(schema.properties).map(([key, property]) => [key, this.base(property, key, depth + 1)]),
            )
          : {};
    }
  }

  /**
   * The boundary values of one node: its limits and one past them, empty, null, absent, another type, and a NUL
   * for text. Paths come from `base`, so `schemaAt` finds the schema each node was built from.
   */
  edges(raw: Schema | undefined, full = true): unknown[] {
    const schema = this.contract.resolve(raw);
    switch (schema.type ?? 'object') {
      case 'string':
        return full
          ? [
              ABSENT,
              null,
              '',
              'a\u0000',
              42,
              'x'.repeat(schema.maxLength === undefined ? 10_000 : schema.maxLength + 1),
              ...(schema.maxLength === undefined ? [] : ['я'.repeat(schema.maxLength)]),
            ]
          : [ABSENT, '', 42];
      case 'integer':
      case 'number':
        return full
          ? [
              ABSENT,
              null,
              '1',
              1.5,
              (schema.minimum ?? 0) - 1,
              schema.maximum === undefined ? 2 ** 53 : schema.maximum + 1,
            ]
          : [ABSENT, '1'];
      case 'boolean':
        return full ? [ABSENT, null, 'true', 1] : [ABSENT, 'true'];
      case 'array':
        return full ? [ABSENT, null, [], {}, ...(schema.maxItems === undefined ? [] : ['over'])] : [ABSENT, []];
      default:
        return full ? [ABSENT, null, [], 'x'] : [ABSENT, []];
    }
  }

  /** The base value, then each node of it set to each of its boundary values in turn. */
  sweep(raw: Schema | undefined, base = this.base(raw), full = true): { label: string; value: unknown }[] {
    const cases = [{ label: 'the base value', value: base }];
    for (const path of pathsOf(base)) {
      const schema = this.schemaAt(raw, path);
      const node = at(base, path);
      for (const edge of this.edges(schema, full)) {
        if (path.length === 0 && edge === ABSENT) {
          continue;
        }
        const value =
          edge === 'over' && Array.isArray(node)
            ? Array.from({ length: (schema.maxItems ?? 0) + 1 }, (): unknown => (node as unknown[])[0])
            : edge;
        const shown = typeof value === 'string' && value.length > 20 ? `${value.length} characters` : String(value);
        cases.push({
          label: `${path.join('.') || 'the body'} = ${edge === ABSENT ? 'absent' : Array.isArray(value) ? `[${value.length} items]` : shown}`,
          value: replaceAt(base, path, value),
        });
      }
    }
    return cases;
  }

  /** The schema of the node at `path` in a value built by `base`. */
  schemaAt(raw: Schema | undefined, path: ValuePath): Schema {
    return path.reduce<Schema>((schema, key) => {
      const resolved = this.contract.resolve(schema);
      return typeof key === 'number'
        ? this.contract.resolve(resolved.items)
        : this.contract.resolve(resolved.properties?.[key]);
    }, this.contract.resolve(raw));
  }
}
