import { readFileSync } from 'node:fs';
import { applyDecorators } from '@nestjs/common';
import { plainToClassFromExist, Transform } from 'class-transformer';
import {
  Allow,
  getMetadataStorage,
  IsEmpty,
  IsNotIn,
  IsOptional,
  Matches,
  ValidateBy,
  ValidateNested,
  validateSync,
  type ValidationArguments,
  type ValidationError,
} from 'class-validator';
import { parse } from 'yaml';
import type { Bitrix24EntityKind, Bitrix24Representation } from '../ports/entity-kind.port';
import { MULTI_FIELD_RULE, overlaps, parseMultiField, type MultiFieldMapping } from './multi-fields';

/** How our external id is stored on the Bitrix24 side, which is also how a retried create finds its entity. */
export type ExternalIdScheme = 'xmlId' | 'originId';

/**
 * A CRM item (`crm.item.*`): a smart-process item (`entityTypeId` >= 128), a company (4) or a contact (3).
 */
export interface CrmItemMapping {
  readonly kind: string;
  readonly representation: 'crm_item';
  readonly entityTypeId: number;
  /** The pipeline new items go to; the portal's default one when absent. */
  readonly categoryId?: number;
  /** Smart-process items keep our id in `xmlId`; companies and contacts in `originId` under our `originatorId`. */
  readonly externalId: ExternalIdScheme;
  /** Our field name → the Bitrix24 field code (camelCase, user fields as `ufCrm<N>_<code>`). */
  readonly fields: Readonly<Record<string, string>>;
  /**
   * Our field name → the values of `fm` it holds (companies and contacts only; empty for smart processes): our
   * side is a list of strings, written by value id (see multi-fields.ts).
   */
  readonly multiFields: Readonly<Record<string, MultiFieldMapping>>;
  /** Our status → Bitrix24 `stageId`; one-to-one, so a stage maps back to exactly one status. */
  readonly stages: Readonly<Record<string, string>>;
}

/** A product of the catalog (`catalog.product.*`), our id in `xmlId`. */
export interface ProductMapping {
  readonly kind: string;
  readonly representation: 'catalog_product';
  readonly iblockId: number;
  readonly externalId: 'xmlId';
  readonly fields: Readonly<Record<string, string>>;
}

/** Portal users (`user.get`), e.g. couriers; the user field that holds our id links them. */
export interface UserMapping {
  readonly kind: string;
  readonly representation: 'user';
  /** e.g. `UF_USR_1C_ID`. */
  readonly externalIdField: string;
  readonly fields: Readonly<Record<string, string>>;
}

export type EntityMapping = CrmItemMapping | ProductMapping | UserMapping;

export interface Bitrix24Mapping {
  /** By kind name. */
  readonly entities: Readonly<Record<string, EntityMapping>>;
  /** Entries of the file for kinds no module registered: ignored (see {@link validateMapping}). */
  readonly ignoredKinds: readonly string[];
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

export const EMPTY_MAPPING: Bitrix24Mapping = { entities: {}, ignoredKinds: [] };

export function loadMappingFile(path: string, kinds: readonly Bitrix24EntityKind[]): Bitrix24Mapping {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MappingValidationError(path, [`cannot read: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return validateMapping(raw, kinds, path);
}

/**
 * Checks the whole document against the registered kinds and reports every problem at once, like the environment
 * configuration. An entry for a kind no module registered is not an error: it is ignored and listed in
 * `ignoredKinds` (warned at boot, shown by the connector status). The file is deployment configuration that may name
 * a kind before the release registering it runs (a domain lib not deployed yet, the old colour of a blue/green
 * rollout), and refusing to boot would stop every other kind for an entry nothing could use anyway.
 */
export function validateMapping(
  raw: unknown,
  kinds: readonly Bitrix24EntityKind[],
  source = 'mapping',
): Bitrix24Mapping {
  if (!isObject(raw) || !isObject(raw.entities)) {
    throw new MappingValidationError(source, ['the document needs an `entities` object']);
  }
  const problems = Object.keys(raw)
    .filter((key) => key !== 'entities')
    .map((key) => `unknown top-level key "${key}"`);
  const entities: Record<string, EntityMapping> = {};
  const ignoredKinds: string[] = [];
  for (const [kind, value] of Object.entries(raw.entities)) {
    const at = `entities.${kind}`;
    const registered = kinds.find((candidate) => candidate.name === kind);
    if (!registered) {
      ignoredKinds.push(kind);
    } else if (!isObject(value)) {
      problems.push(`${at}: must be an object`);
    } else {
      const entry = plainToClassFromExist(new ENTRIES[registered.representation](kind), value);
      const found = problemsOf(validateSync(entry, { whitelist: true, forbidNonWhitelisted: true }), at);
      problems.push(...found);
      if (found.length === 0) {
        entities[kind] = entry.toMapping();
      }
    }
  }
  problems.push(...oneKindEach(Object.values(entities)));
  if (problems.length > 0) {
    throw new MappingValidationError(source, problems);
  }
  return { entities, ignoredKinds };
}

/** The mapping of a CRM type id, for inbound events that name only the type. */
export function crmMappingOfType(mapping: Bitrix24Mapping, entityTypeId: number): CrmItemMapping | undefined {
  return Object.values(mapping.entities).find(
    (entity): entity is CrmItemMapping => entity.representation === 'crm_item' && entity.entityTypeId === entityTypeId,
  );
}

/** The kind mapped as catalog products (validateMapping allows one: product events do not name an iblock). */
export function catalogMapping(mapping: Bitrix24Mapping): ProductMapping | undefined {
  return Object.values(mapping.entities).find(
    (entity): entity is ProductMapping => entity.representation === 'catalog_product',
  );
}

/** The kind mapped as portal users (one: the courier directory serves it). */
export function userMapping(mapping: Bitrix24Mapping): UserMapping | undefined {
  return Object.values(mapping.entities).find((entity): entity is UserMapping => entity.representation === 'user');
}

// ---- the schema of one entry, per representation ----

const FIELD_CODE = /^[A-Za-z][A-Za-z0-9_]*$/;
/**
 * Set by the connector itself; a mapping that wrote them would break the no-duplicate lookup. `fm` is written
 * through `multiFields`, by value id.
 */
const RESERVED = ['id', 'xmlId', 'originId', 'originatorId', 'entityTypeId', 'iblockId', 'stageId', 'categoryId', 'fm'];
const POSITIVE = 'a positive integer is required';
const NON_NEGATIVE = 'a non-negative integer is required';

/** The kind an entry is validated for: a symbol, so the whitelist of the document's keys does not see it. */
const KIND = Symbol('kind');

function kindOf(args: ValidationArguments): string {
  return (args.object as EntityEntry)[KIND];
}

function isPositiveInt(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}

/** A check class-validator lacks; `test` judges only what the check is about and passes the rest to the others. */
function Satisfies(
  name: string,
  test: (value: unknown) => boolean,
  message: string | ((args: ValidationArguments) => string),
): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: test } }, { message });
}

const IntegerAtLeast = (min: number, message: string): PropertyDecorator =>
  Satisfies(`integerAtLeast${min}`, (value) => Number.isInteger(value) && (value as number) >= min, message);

/**
 * One `ours: theirs` pair of a `fields` or `stages` map. Maps become lists of these so each pair is validated, and
 * reported under its own key; `earlier` names a previous key with the same target, which one-to-one forbids.
 */
abstract class MapEntry {
  @Allow() key!: string;
  abstract target: unknown;
  abstract earlier?: string;
}

class FieldEntry extends MapEntry {
  @Matches(FIELD_CODE, { message: ({ value }) => `"${String(value)}" is not a Bitrix24 field code` })
  @IsNotIn(RESERVED, { message: ({ value }) => `${String(value)} is set by the connector itself and cannot be mapped` })
  target: unknown;

  @IsEmpty({
    message: ({ object }) =>
      `${String((object as FieldEntry).target)} is already the target of "${(object as FieldEntry).earlier}"`,
  })
  earlier?: string;
}

class StageEntry extends MapEntry {
  @Matches(/\S/, { message: 'a stage id such as DT1036_12:NEW is required' })
  target: unknown;

  @IsEmpty({
    message: ({ object }) =>
      `stage ${String((object as StageEntry).target)} is already mapped from "${(object as StageEntry).earlier}" (the map must be one-to-one)`,
  })
  earlier?: string;
}

class MultiFieldEntry extends MapEntry {
  @Satisfies('multiField', (value) => parseMultiField(value) !== undefined, MULTI_FIELD_RULE)
  target: unknown;

  @IsEmpty({
    message: ({ object }) =>
      `owns the same values as "${(object as MultiFieldEntry).earlier}": give each a different valueType`,
  })
  earlier?: string;

  @IsEmpty({ message: 'is also a key of fields: a field of ours is a plain field or a multi-field' })
  alsoPlain?: true;
}

/**
 * A YAML map as a list of entries; anything but a map becomes null, which fails the nested validation. `clashes`
 * tells whether two targets may not share a key (equal, unless the entry type says otherwise).
 */
function MapOf(
  entry: new () => MapEntry,
  message: string,
  clashes: (a: unknown, b: unknown) => boolean = (a, b) => a === b,
  extra: (ours: string, entity: Record<string, unknown>) => Record<string, unknown> = () => ({}),
): PropertyDecorator {
  return applyDecorators(
    Transform(({ obj, key }) => {
      const value = (obj as Record<string, unknown>)[key];
      if (!isObject(value)) {
        return null;
      }
      const seen: Array<[string, unknown]> = [];
      return Object.entries(value).map(([ours, target]) => {
        const earlier = seen.find(([, known]) => clashes(known, target))?.[0];
        seen.push([ours, target]);
        return Object.assign(new entry(), {
          key: ours,
          target,
          earlier,
          ...extra(ours, obj as Record<string, unknown>),
        });
      });
    }),
    ValidateNested({ message }),
  );
}

const FieldMap = (): PropertyDecorator => MapOf(FieldEntry, 'must map our field names to Bitrix24 field codes');
const StageMap = (): PropertyDecorator => MapOf(StageEntry, 'must map our statuses to Bitrix24 stage ids');
const MultiFieldMap = (): PropertyDecorator =>
  MapOf(
    MultiFieldEntry,
    'must map our field names to multi-field types',
    (a, b) => {
      const [first, second] = [parseMultiField(a), parseMultiField(b)];
      return first !== undefined && second !== undefined && overlaps(first, second);
    },
    (ours, entity) => (isObject(entity.fields) && Object.hasOwn(entity.fields, ours) ? { alsoPlain: true } : {}),
  );

function record(entries: readonly MapEntry[]): Record<string, string> {
  return Object.fromEntries(entries.map((entry) => [entry.key, String(entry.target)]));
}

function multiFieldRecord(entries: readonly MultiFieldEntry[]): Record<string, MultiFieldMapping> {
  return Object.fromEntries(entries.map((entry) => [entry.key, parseMultiField(entry.target)!]));
}

abstract class EntityEntry {
  readonly [KIND]: string;

  constructor(kind: string) {
    this[KIND] = kind;
  }

  abstract toMapping(): EntityMapping;
}

// `fields` comes first in every class: class-validator reports in declaration order, and the problems of a file
// then read top-down as they always have.
class SmartProcessEntry extends EntityEntry {
  @FieldMap() fields: FieldEntry[] = [];

  @IntegerAtLeast(1, POSITIVE)
  @Satisfies(
    'smartProcessType',
    (value) => !isPositiveInt(value) || value >= 128,
    (args) => `${kindOf(args)} must be a smart process (entityTypeId >= 128), got ${String(args.value)}`,
  )
  entityTypeId!: number;

  @IsOptional() @IntegerAtLeast(0, NON_NEGATIVE) categoryId?: number;

  @StageMap() stages: StageEntry[] = [];

  toMapping(): CrmItemMapping {
    return {
      kind: this[KIND],
      representation: 'crm_item',
      entityTypeId: this.entityTypeId,
      ...(this.categoryId === undefined ? {} : { categoryId: this.categoryId }),
      externalId: 'xmlId',
      fields: record(this.fields),
      multiFields: {},
      stages: record(this.stages),
    };
  }
}

/** Companies and contacts: CRM types fixed by Bitrix24, so `entityTypeId` may be left out. */
function fixedCrmType(fixed: number, plural: string): new (kind: string) => EntityEntry {
  class FixedCrmTypeEntry extends EntityEntry {
    @FieldMap() fields: FieldEntry[] = [];

    @MultiFieldMap() multiFields: MultiFieldEntry[] = [];

    @IntegerAtLeast(1, POSITIVE)
    @Satisfies(
      'fixedCrmType',
      (value) => !isPositiveInt(value) || value === fixed,
      (args) => `${kindOf(args)} is CRM type ${fixed}, got ${String(args.value)}`,
    )
    entityTypeId: number = fixed;

    @IsOptional() @IntegerAtLeast(0, NON_NEGATIVE) categoryId?: number;

    @StageMap()
    @Satisfies('noStages', (value) => !Array.isArray(value) || value.length === 0, `${plural} have no stages`)
    stages: StageEntry[] = [];

    toMapping(): CrmItemMapping {
      return {
        kind: this[KIND],
        representation: 'crm_item',
        entityTypeId: fixed,
        ...(this.categoryId === undefined ? {} : { categoryId: this.categoryId }),
        externalId: 'originId',
        fields: record(this.fields),
        multiFields: multiFieldRecord(this.multiFields),
        stages: {},
      };
    }
  }
  return FixedCrmTypeEntry;
}

class CatalogProductEntry extends EntityEntry {
  @FieldMap() fields: FieldEntry[] = [];

  @IntegerAtLeast(1, POSITIVE) iblockId!: number;

  toMapping(): ProductMapping {
    return {
      kind: this[KIND],
      representation: 'catalog_product',
      iblockId: this.iblockId,
      externalId: 'xmlId',
      fields: record(this.fields),
    };
  }
}

class PortalUserEntry extends EntityEntry {
  @FieldMap() fields: FieldEntry[] = [];

  @Matches(FIELD_CODE, { message: 'a user field code such as UF_USR_1C_ID is required' }) externalIdField!: string;

  toMapping(): UserMapping {
    return {
      kind: this[KIND],
      representation: 'user',
      externalIdField: this.externalIdField,
      fields: record(this.fields),
    };
  }
}

const ENTRIES: Record<Bitrix24Representation, new (kind: string) => EntityEntry> = {
  smart_process: SmartProcessEntry,
  company: fixedCrmType(4, 'companies'),
  contact: fixedCrmType(3, 'contacts'),
  catalog_product: CatalogProductEntry,
  user: PortalUserEntry,
};

/** class-validator's error tree as `path: problem` lines; a map entry's problems are reported at its key. */
function problemsOf(errors: readonly ValidationError[], at: string): string[] {
  return errors.flatMap((error) => {
    const target: unknown = error.target;
    const value: unknown = error.value;
    const path = target instanceof MapEntry ? at : `${at}.${value instanceof MapEntry ? value.key : error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([name, message]) =>
      name === 'whitelistValidation' ? `${path}: unknown key (allowed: ${keysOf(target)})` : `${path}: ${message}`,
    );
    return [...own, ...problemsOf(error.children ?? [], path)];
  });
}

function keysOf(entry: unknown): string {
  const metadata = getMetadataStorage().getTargetValidationMetadatas((entry as object).constructor, '', true, false);
  return [...new Set(metadata.map((item) => item.propertyName))].join(', ');
}

/**
 * Inbound events name only the CRM type, product events no iblock, and the catalog and courier ports serve one kind
 * each: a second kind on any of these could never be told apart.
 */
function oneKindEach(entities: readonly EntityMapping[]): string[] {
  const owners = new Map<string, string>();
  const problems: string[] = [];
  for (const entity of entities) {
    const [slot, at] =
      entity.representation === 'crm_item'
        ? [`CRM type ${entity.entityTypeId}`, `entities.${entity.kind}.entityTypeId`]
        : [
            entity.representation === 'catalog_product' ? 'catalog products' : 'portal users',
            `entities.${entity.kind}`,
          ];
    const owner = owners.get(slot);
    if (owner === undefined) {
      owners.set(slot, entity.kind);
    } else {
      problems.push(`${at}: ${owner} is already mapped to ${slot}, which can hold one kind only`);
    }
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
