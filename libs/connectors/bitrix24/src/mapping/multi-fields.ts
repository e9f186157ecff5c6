/**
 * Multi-fields (`fm`) of companies and contacts: phones, e-mails, sites and messengers, each value with its own id
 * (`crm.item.*`; tutorial "how to change e-mail or phone" of the REST docs, `crm_multifield` data type). A value
 * sent without its id is added, even when the entity already holds it, so a sync that sends its phones again on
 * every update piles up copies. The connector diffs instead: equal values are kept, missing ones added, removed
 * ones deleted by id.
 */

export const MULTI_FIELD_TYPES = ['PHONE', 'EMAIL', 'WEB', 'IM'] as const;
export type MultiFieldType = (typeof MULTI_FIELD_TYPES)[number];

/** The value types the portal offers for phones and e-mails; sites and messengers take more (`VK`, `TELEGRAM`…). */
const VALUE_TYPES: Partial<Record<MultiFieldType, readonly string[]>> = {
  PHONE: ['WORK', 'MOBILE', 'FAX', 'HOME', 'PAGER', 'MAILING', 'OTHER'],
  EMAIL: ['WORK', 'HOME', 'MAILING', 'OTHER'],
};
const VALUE_TYPE = /^[A-Z][A-Z0-9_]*$/;
/** What the portal's own forms use when nothing else is said. */
const DEFAULT_VALUE_TYPE = 'WORK';

/**
 * One of our fields kept in `fm`: the values of `type` it owns, all of them or, with `valueType`, only those of that
 * value type (so `phones` and `mobiles` can share PHONE). New values get `valueType`, or WORK.
 */
export interface MultiFieldMapping {
  readonly type: MultiFieldType;
  readonly valueType?: string;
}

/** A value of `fm` as the portal shows it. */
interface RemoteValue {
  readonly id: string;
  readonly value: string;
}

/** `PHONE`, or `{type: EMAIL, valueType: WORK}`; undefined for anything else (the mapping reports it). */
export function parseMultiField(raw: unknown): MultiFieldMapping | undefined {
  const entry: Record<string, unknown> =
    typeof raw === 'string'
      ? { type: raw }
      : raw !== null && typeof raw === 'object' && !Array.isArray(raw)
        ? (raw as Record<string, unknown>)
        : {};
  const { type, valueType, ...rest } = entry;
  if (Object.keys(rest).length > 0 || !(MULTI_FIELD_TYPES as readonly unknown[]).includes(type)) {
    return undefined;
  }
  const known = VALUE_TYPES[type as MultiFieldType];
  if (valueType === undefined) {
    return { type: type as MultiFieldType };
  }
  if (typeof valueType !== 'string' || !VALUE_TYPE.test(valueType) || (known && !known.includes(valueType))) {
    return undefined;
  }
  return { type: type as MultiFieldType, valueType };
}

export const MULTI_FIELD_RULE =
  `give one of ${MULTI_FIELD_TYPES.join(', ')}, or { type, valueType } with valueType one of ` +
  `${VALUE_TYPES.PHONE!.join('/')} for PHONE, ${VALUE_TYPES.EMAIL!.join('/')} for EMAIL`;

/** Two mapped fields may not own the same values: each needs its own value type of a shared type. */
export function overlaps(a: MultiFieldMapping, b: MultiFieldMapping): boolean {
  return a.type === b.type && (a.valueType === undefined || b.valueType === undefined || a.valueType === b.valueType);
}

/** How values are told equal: phones by their digits, e-mails and sites case-insensitively, the rest as written. */
export function valueKey(type: MultiFieldType, value: string): string {
  const trimmed = value.trim();
  switch (type) {
    case 'PHONE': {
      const digits = trimmed.replace(/\D/g, '');
      return digits === '' ? trimmed.toLowerCase() : digits;
    }
    case 'EMAIL':
    case 'WEB':
      return trimmed.toLowerCase();
    case 'IM':
      return trimmed;
  }
}

/** The values `mapping` owns among the entity's `fm`, in the portal's order; undefined when the entity shows no `fm`. */
export function ownedValues(entity: Record<string, unknown>, mapping: MultiFieldMapping): RemoteValue[] | undefined {
  if (!Array.isArray(entity.fm)) {
    return undefined;
  }
  return (entity.fm as unknown[]).flatMap((raw): RemoteValue[] => {
    if (raw === null || typeof raw !== 'object') {
      return [];
    }
    const row = raw as Record<string, unknown>;
    const owned =
      row.typeId === mapping.type && (mapping.valueType === undefined || row.valueType === mapping.valueType);
    return owned && typeof row.value === 'string' ? [{ id: String(row.id), value: row.value }] : [];
  });
}

export class InvalidFieldValueError extends Error {
  constructor(
    readonly kind: string,
    readonly field: string,
  ) {
    super(`${kind}.${field} must be a string or a list of strings (a multi-field of the Bitrix24 mapping)`);
  }
}

/** Our value of a multi-field as a list; undefined leaves the field alone, null or [] clears it. */
export function wantedValues(kind: string, field: string, raw: unknown): string[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const list = raw === null ? [] : Array.isArray(raw) ? (raw as unknown[]) : [raw];
  return list.flatMap((value) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new InvalidFieldValueError(kind, field);
    }
    const text = String(value).trim();
    return text === '' ? [] : [text];
  });
}

/** Elements of `fm`: `typeId`, `valueType`, `value`, as crm.item.add/update take them. */
export type MultiFieldElement = Readonly<Record<string, string>>;

/** A new value: sent without an id, in a list (create) or under `n<k>` (update). */
export function added(mapping: MultiFieldMapping, value: string): MultiFieldElement {
  return { typeId: mapping.type, valueType: mapping.valueType ?? DEFAULT_VALUE_TYPE, value };
}

/**
 * What an update sends for one mapped field: nothing for values the entity already holds (compared by
 * {@link valueKey}, so a reformatted phone is not rewritten), the missing ones as new values, and an empty value
 * under the id of each held value we no longer have, which deletes it. Copies left by earlier syncs are deleted too.
 */
export function changes(
  mapping: MultiFieldMapping,
  wanted: readonly string[],
  held: readonly RemoteValue[],
): { readonly add: MultiFieldElement[]; readonly remove: ReadonlyMap<string, MultiFieldElement> } {
  const unmatched = [...held];
  const add: MultiFieldElement[] = [];
  const seen = new Set<string>();
  for (const value of wanted) {
    const key = valueKey(mapping.type, value);
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    const index = unmatched.findIndex((one) => valueKey(mapping.type, one.value) === key);
    if (index >= 0) {
      unmatched.splice(index, 1);
    } else {
      add.push(added(mapping, value));
    }
  }
  return { add, remove: new Map(unmatched.map((one) => [one.id, { typeId: mapping.type, value: '' }])) };
}
