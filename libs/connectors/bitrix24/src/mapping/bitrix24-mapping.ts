import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Our entities that live in Bitrix24. */
export const ENTITY_KINDS = [
  'delivery',
  'instant_order',
  'return',
  'company',
  'contact',
  'product',
  'courier',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];
/** The kinds we create and update in Bitrix24 (couriers are portal users: read, never created). */
export type WritableKind = Exclude<EntityKind, 'courier'>;

const SMART_PROCESS_KINDS: readonly EntityKind[] = ['delivery', 'instant_order', 'return'];
const FIXED_TYPES: Partial<Record<EntityKind, number>> = { company: 4, contact: 3 };

/** How our external id is stored on the Bitrix24 side, which is also how a retried create finds its entity. */
export type ExternalIdScheme = 'xmlId' | 'originId';

/**
 * A CRM item (`crm.item.*`): smart-process items for deliveries, instant orders and returns (`entityTypeId` >= 128),
 * companies (4) and contacts (3) for counterparties.
 */
export interface CrmItemMapping {
  readonly kind: EntityKind;
  readonly representation: 'crm_item';
  readonly entityTypeId: number;
  /** The pipeline new items go to; the portal's default one when absent. */
  readonly categoryId?: number;
  /** Smart-process items keep our id in `xmlId`; companies and contacts in `originId` under our `originatorId`. */
  readonly externalId: ExternalIdScheme;
  /** Our field name → the Bitrix24 field code (camelCase, user fields as `ufCrm<N>_<code>`). */
  readonly fields: Readonly<Record<string, string>>;
  /** Our status → Bitrix24 `stageId`; one-to-one, so a stage maps back to exactly one status. */
  readonly stages: Readonly<Record<string, string>>;
}

/** A product of the catalog (`catalog.product.*`), our id in `xmlId`. */
export interface ProductMapping {
  readonly kind: 'product';
  readonly representation: 'catalog_product';
  readonly iblockId: number;
  readonly externalId: 'xmlId';
  readonly fields: Readonly<Record<string, string>>;
}

/** Couriers are portal users (`user.get`); the user field that holds the courier's 1C id links them. */
export interface UserMapping {
  readonly kind: 'courier';
  readonly representation: 'user';
  /** e.g. `UF_USR_1C_ID`. */
  readonly externalIdField: string;
  readonly fields: Readonly<Record<string, string>>;
}

export type EntityMapping = CrmItemMapping | ProductMapping | UserMapping;

export interface Bitrix24Mapping {
  readonly entities: Partial<Record<EntityKind, EntityMapping>>;
}

export class MappingValidationError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid Bitrix24 mapping (${source}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'MappingValidationError';
  }
}

const FIELD_CODE = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Set by the connector itself; a mapping that wrote them would break the no-duplicate lookup. */
const RESERVED = new Set([
  'id',
  'xmlId',
  'originId',
  'originatorId',
  'entityTypeId',
  'iblockId',
  'stageId',
  'categoryId',
]);

export const EMPTY_MAPPING: Bitrix24Mapping = { entities: {} };

export function loadMappingFile(path: string): Bitrix24Mapping {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MappingValidationError(path, [`cannot read: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return validateMapping(raw, path);
}

/** Checks the whole document and reports every problem at once, like the environment configuration. */
export function validateMapping(raw: unknown, source = 'mapping'): Bitrix24Mapping {
  const problems: string[] = [];
  const entities: Partial<Record<EntityKind, EntityMapping>> = {};
  if (!isObject(raw) || !isObject(raw.entities)) {
    throw new MappingValidationError(source, ['the document needs an `entities` object']);
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'entities') {
      problems.push(`unknown top-level key "${key}"`);
    }
  }
  for (const [kind, value] of Object.entries(raw.entities)) {
    if (!(ENTITY_KINDS as readonly string[]).includes(kind)) {
      problems.push(`entities.${kind}: unknown entity (known: ${ENTITY_KINDS.join(', ')})`);
      continue;
    }
    const at = `entities.${kind}`;
    if (!isObject(value)) {
      problems.push(`${at}: must be an object`);
      continue;
    }
    const mapping = validateEntity(kind as EntityKind, value, at, problems);
    if (mapping) {
      entities[kind as EntityKind] = mapping;
    }
  }
  if (problems.length > 0) {
    throw new MappingValidationError(source, problems);
  }
  return { entities };
}

function validateEntity(
  kind: EntityKind,
  value: Record<string, unknown>,
  at: string,
  problems: string[],
): EntityMapping | undefined {
  const fields = fieldMap(value.fields, `${at}.fields`, problems);
  if (kind === 'product') {
    allowOnly(value, ['iblockId', 'fields'], at, problems);
    const iblockId = positiveInt(value.iblockId, `${at}.iblockId`, problems);
    return iblockId === undefined
      ? undefined
      : { kind, representation: 'catalog_product', iblockId, externalId: 'xmlId', fields };
  }
  if (kind === 'courier') {
    allowOnly(value, ['externalIdField', 'fields'], at, problems);
    if (typeof value.externalIdField !== 'string' || !FIELD_CODE.test(value.externalIdField)) {
      problems.push(`${at}.externalIdField: a user field code such as UF_USR_1C_ID is required`);
      return undefined;
    }
    return { kind, representation: 'user', externalIdField: value.externalIdField, fields };
  }
  allowOnly(value, ['entityTypeId', 'categoryId', 'fields', 'stages'], at, problems);
  const fixed = FIXED_TYPES[kind];
  const entityTypeId =
    value.entityTypeId === undefined && fixed !== undefined
      ? fixed
      : positiveInt(value.entityTypeId, `${at}.entityTypeId`, problems);
  if (entityTypeId === undefined) {
    return undefined;
  }
  if (fixed !== undefined && entityTypeId !== fixed) {
    problems.push(`${at}.entityTypeId: ${kind} is CRM type ${fixed}, got ${entityTypeId}`);
  }
  if (SMART_PROCESS_KINDS.includes(kind) && entityTypeId < 128) {
    problems.push(`${at}.entityTypeId: ${kind} must be a smart process (entityTypeId >= 128), got ${entityTypeId}`);
  }
  const categoryId =
    value.categoryId === undefined ? undefined : nonNegativeInt(value.categoryId, `${at}.categoryId`, problems);
  const stages = stageMap(value.stages, `${at}.stages`, problems);
  if (fixed !== undefined && Object.keys(stages).length > 0) {
    problems.push(`${at}.stages: ${kind === 'company' ? 'companies' : 'contacts'} have no stages`);
  }
  return {
    kind,
    representation: 'crm_item',
    entityTypeId,
    ...(categoryId === undefined ? {} : { categoryId }),
    externalId: fixed !== undefined ? 'originId' : 'xmlId',
    fields,
    stages,
  };
}

function fieldMap(value: unknown, at: string, problems: string[]): Record<string, string> {
  if (value === undefined) {
    return {};
  }
  if (!isObject(value)) {
    problems.push(`${at}: must map our field names to Bitrix24 field codes`);
    return {};
  }
  const out: Record<string, string> = {};
  const targets = new Map<string, string>();
  for (const [ours, code] of Object.entries(value)) {
    if (typeof code !== 'string' || !FIELD_CODE.test(code)) {
      problems.push(`${at}.${ours}: "${String(code)}" is not a Bitrix24 field code`);
      continue;
    }
    if (RESERVED.has(code)) {
      problems.push(`${at}.${ours}: ${code} is set by the connector itself and cannot be mapped`);
      continue;
    }
    if (targets.has(code)) {
      problems.push(`${at}.${ours}: ${code} is already the target of "${targets.get(code)}"`);
      continue;
    }
    targets.set(code, ours);
    out[ours] = code;
  }
  return out;
}

function stageMap(value: unknown, at: string, problems: string[]): Record<string, string> {
  if (value === undefined) {
    return {};
  }
  if (!isObject(value)) {
    problems.push(`${at}: must map our statuses to Bitrix24 stage ids`);
    return {};
  }
  const out: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const [status, stage] of Object.entries(value)) {
    if (typeof stage !== 'string' || stage.trim() === '') {
      problems.push(`${at}.${status}: a stage id such as DT1036_12:NEW is required`);
      continue;
    }
    if (seen.has(stage)) {
      problems.push(
        `${at}.${status}: stage ${stage} is already mapped from "${seen.get(stage)}" (the map must be one-to-one)`,
      );
      continue;
    }
    seen.set(stage, status);
    out[status] = stage;
  }
  return out;
}

function allowOnly(value: Record<string, unknown>, keys: string[], at: string, problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      problems.push(`${at}.${key}: unknown key (allowed: ${keys.join(', ')})`);
    }
  }
}

function positiveInt(value: unknown, at: string, problems: string[]): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    problems.push(`${at}: a positive integer is required`);
    return undefined;
  }
  return value;
}

function nonNegativeInt(value: unknown, at: string, problems: string[]): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    problems.push(`${at}: a non-negative integer is required`);
    return undefined;
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The mapping of a CRM type id, for inbound events that name only the type. */
export function crmMappingOfType(mapping: Bitrix24Mapping, entityTypeId: number): CrmItemMapping | undefined {
  return Object.values(mapping.entities).find(
    (entity): entity is CrmItemMapping => entity?.representation === 'crm_item' && entity.entityTypeId === entityTypeId,
  );
}
