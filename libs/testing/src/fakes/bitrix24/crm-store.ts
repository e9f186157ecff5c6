import { crmEventNames, type Origin } from './events/event-hub';
import type { PortalEnv } from './portal-env';
import { formatPortalDate, requirePortalDate } from './portal-time';
import { isDenseList, isRecord, stringParam, toList } from './php-values';
import { runListQuery, type FieldKind, type FieldRef, type Page, type QueryDialect } from './query';
import { RestError } from './rest-error';
import { stageEntity, type StatusStore } from './status-store';
import type { CategoryConfig, SmartProcessConfig } from './types';

export type CrmRecord = Record<string, unknown> & { id: number; entityTypeId: number };

/** One value of `fm`, keys in the order the portal prints them (tutorial "how to change e-mail or phone"). */
export interface MultiFieldValue {
  id: number;
  valueType: string;
  value: string;
  typeId: string;
}

/** `crm.item` fields in the order the portal prints them (fixture `crm_item_add.json`, crm.item.get docs). */
const FIELDS: Array<[string, FieldKind]> = [
  ['id', 'number'],
  ['xmlId', 'string'],
  ['title', 'string'],
  ['createdBy', 'number'],
  ['updatedBy', 'number'],
  ['movedBy', 'number'],
  ['createdTime', 'date'],
  ['updatedTime', 'date'],
  ['movedTime', 'date'],
  ['categoryId', 'number'],
  ['opened', 'boolean'],
  ['stageId', 'string'],
  ['previousStageId', 'string'],
  ['begindate', 'date'],
  ['closedate', 'date'],
  ['companyId', 'number'],
  ['contactId', 'number'],
  ['contactIds', 'multi'],
  ['opportunity', 'number'],
  ['isManualOpportunity', 'boolean'],
  ['currencyId', 'string'],
  ['assignedById', 'number'],
  ['sourceId', 'string'],
  ['sourceDescription', 'string'],
  ['comments', 'string'],
  ['name', 'string'],
  ['lastName', 'string'],
  ['secondName', 'string'],
  ['post', 'string'],
  ['fm', 'multi'],
  ['observers', 'multi'],
  ['originatorId', 'string'],
  ['originId', 'string'],
  ['entityTypeId', 'number'],
];
const FIELD_KINDS = new Map(FIELDS);
const FIELD_ORDER = new Map(FIELDS.map(([name], index) => [name, index]));
const BY_LOOSE_NAME = new Map(FIELDS.map(([name]) => [loose(name), name]));
const READ_ONLY = new Set([
  'id',
  'createdBy',
  'updatedBy',
  'movedBy',
  'createdTime',
  'updatedTime',
  'movedTime',
  'previousStageId',
  'entityTypeId',
]);
const WITHOUT_STAGES = new Set([3, 4]);
/** Leads, contacts and companies keep phones, e-mails, sites and messengers in `fm`; other types have none. */
const WITH_MULTI_FIELDS = new Set([1, 3, 4]);

function loose(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/** `UF_CRM_2_1639669411830` → `ufCrm2_1639669411830`, `UF_CRM_1721244707107` → `ufCrm_1721244707107`. */
function ufToCamel(name: string): string {
  const numbered = /^UF_CRM_(\d+)_(.+)$/i.exec(name);
  return numbered ? `ufCrm${numbered[1]}_${numbered[2]}` : `ufCrm_${name.slice('UF_CRM_'.length)}`;
}

function camelToUf(name: string): string {
  const numbered = /^ufCrm(\d+)_(.+)$/.exec(name);
  return numbered
    ? `UF_CRM_${numbered[1]}_${numbered[2].toUpperCase()}`
    : `UF_CRM_${name.replace(/^ufCrm_?/, '').toUpperCase()}`;
}

/**
 * Field names are camelCase; `ID`-style and `UF_CRM_*` spellings are accepted too. Unknown non-user fields
 * resolve to nothing, so writes ignore them and filters reject them, as the portal does.
 */
export function resolveCrmField(name: string): FieldRef | undefined {
  if (/^ufCrm/.test(name)) {
    return { name, kind: 'auto' };
  }
  if (/^UF_CRM_/i.test(name)) {
    return { name: ufToCamel(name), kind: 'auto' };
  }
  if (/^parentId\d+$/.test(name)) {
    return { name, kind: 'number' };
  }
  const canonical = BY_LOOSE_NAME.get(loose(name));
  return canonical ? { name: canonical, kind: FIELD_KINDS.get(canonical) ?? 'auto' } : undefined;
}

const notFound = (what = 'Element not found') => new RestError(400, 'NOT_FOUND', what);
const invalidValue = (field: string) =>
  new RestError(400, 'CRM_FIELD_ERROR_VALUE_NOT_VALID', `Invalid value of the field "${field}"`);

interface CrmType {
  entityTypeId: number;
  /** The first one is the default category. */
  categories: Array<Required<CategoryConfig>>;
  items: Map<number, CrmRecord>;
  nextId: number;
}

/** CRM items of every type behind `crm.item.*`, with pipelines checked against `crm.status` stages. */
export class CrmStore {
  private readonly types = new Map<number, CrmType>();
  // Real smart-process category ids are portal-wide and never 0.
  private nextCategoryId = 10;
  // Multi-field value ids are portal-wide too.
  private nextMultiFieldId = 1;

  readonly dialect: QueryDialect;

  constructor(
    private readonly env: PortalEnv,
    private readonly statuses: StatusStore,
    smartProcesses: SmartProcessConfig[],
  ) {
    this.dialect = {
      resolve: resolveCrmField,
      unknownFilterField: (name) =>
        new RestError(400, 'INVALID_ARG_VALUE', `Invalid filter: field '${name}' is not allowed in filter`),
      unknownOrderField: (name) =>
        new RestError(400, 'INVALID_ARG_VALUE', `Invalid order: field '${name}' is not allowed in order`),
      badDirection: (direction, field) =>
        new RestError(
          400,
          'INVALID_ARG_VALUE',
          `Invalid order: allowed sort directions are ASC, DESC. But got '${direction}' for field '${field}'`,
        ),
      offsetMinutes: this.env.offsetMinutes,
    };
    for (const entityTypeId of [1, 2, 3, 4]) {
      this.createType(entityTypeId, [{ id: 0 }]);
    }
    for (const config of smartProcesses) {
      this.createType(config.entityTypeId, config.categories ?? []);
    }
  }

  /** `beforeEvent`: what the same save also stores (a courier's lines), there before the add event goes out. */
  add(entityTypeId: number, fields: unknown, origin: Origin, beforeEvent?: (item: CrmRecord) => void): CrmRecord {
    const type = this.type(entityTypeId);
    const item = this.blank(type, origin.userId);
    this.write(item, fields, { allowReadOnly: false, creating: true });
    this.applyPipeline(type, item, undefined);
    type.nextId += 1;
    type.items.set(item.id, item);
    beforeEvent?.(item);
    this.emit(item, 'ADD', origin);
    return item;
  }

  private blank(type: CrmType, userId: number): CrmRecord {
    const now = this.env.clock();
    return {
      id: type.nextId,
      xmlId: '',
      title: '',
      createdBy: userId,
      updatedBy: userId,
      movedBy: userId,
      createdTime: now,
      updatedTime: now,
      movedTime: now,
      categoryId: type.categories[0].id,
      opened: 'Y',
      previousStageId: '',
      opportunity: 0,
      currencyId: 'RUB',
      assignedById: userId,
      originatorId: null,
      originId: null,
      ...(WITH_MULTI_FIELDS.has(type.entityTypeId) ? { fm: [] } : {}),
      entityTypeId: type.entityTypeId,
    };
  }

  update(entityTypeId: number, id: unknown, fields: unknown, origin: Origin): CrmRecord {
    const item = this.get(entityTypeId, id);
    const candidate: CrmRecord = { ...item };
    this.write(candidate, fields, { allowReadOnly: false, creating: false });
    this.applyPipeline(this.type(entityTypeId), candidate, item);
    const now = this.env.clock();
    Object.assign(candidate, { updatedTime: now, updatedBy: origin.userId });
    if (candidate.stageId !== item.stageId) {
      Object.assign(candidate, { movedTime: now, movedBy: origin.userId, previousStageId: item.stageId });
    }
    this.type(entityTypeId).items.set(item.id, candidate);
    this.emit(candidate, 'UPDATE', origin);
    return candidate;
  }

  delete(entityTypeId: number, id: unknown, origin: Origin): void {
    const item = this.get(entityTypeId, id);
    this.type(entityTypeId).items.delete(item.id);
    this.emit(item, 'DELETE', origin);
  }

  get(entityTypeId: number, id: unknown): CrmRecord {
    const item = this.type(entityTypeId).items.get(Number(id));
    if (!item) {
      throw notFound();
    }
    return item;
  }

  list(entityTypeId: number, params: { filter?: unknown; order?: unknown; start?: unknown }): Page<CrmRecord> {
    return runListQuery([...this.type(entityTypeId).items.values()], params, { id: 'ASC' }, this.dialect);
  }

  /** Test seeding: no events, and read-only fields such as `id` or `updatedTime` may be given. */
  seed(entityTypeId: number, rows: Array<Record<string, unknown>>): void {
    const type = this.type(entityTypeId);
    for (const row of rows) {
      const item = this.blank(type, 1);
      this.write(item, row, { allowReadOnly: true, creating: true });
      this.applyPipeline(type, item, undefined);
      type.items.set(item.id, item);
      type.nextId = Math.max(type.nextId, item.id + 1);
    }
  }

  /** `crm.category.list` rows (fixture `crm_category_list.json`). */
  categories(entityTypeId: number): Array<Record<string, unknown>> {
    return this.type(entityTypeId).categories.map((category, index) => ({
      id: category.id,
      name: category.name,
      sort: (index + 1) * 100,
      entityTypeId,
      isDefault: index === 0 ? 'Y' : 'N',
    }));
  }

  all(entityTypeId: number): CrmRecord[] {
    return [...this.type(entityTypeId).items.values()];
  }

  /** An item as the REST answer shows it: portal dates, optional `select`, optional original UF names. */
  present(item: CrmRecord, select?: unknown, originalUfNames = false): Record<string, unknown> {
    const keys = Object.keys(item).sort((a, b) => rank(a) - rank(b));
    const wanted = selection(select);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      if (wanted && !wanted(key)) {
        continue;
      }
      const value = item[key];
      const name = originalUfNames && key.startsWith('ufCrm') ? camelToUf(key) : key;
      if (key === 'fm') {
        out[name] = (value as MultiFieldValue[]).map((one) => ({ ...one }));
      } else {
        out[name] =
          FIELD_KINDS.get(key) === 'date' && typeof value === 'number'
            ? formatPortalDate(value, this.env.offsetMinutes)
            : value;
      }
    }
    return out;
  }

  /** `crm.item.fields`: the standard descriptors plus every user field seen on the type. */
  describe(entityTypeId: number): Record<string, unknown> {
    const type = this.type(entityTypeId);
    const names = new Set(FIELDS.map(([name]) => name));
    for (const item of type.items.values()) {
      Object.keys(item)
        .filter((key) => key.startsWith('ufCrm'))
        .forEach((key) => names.add(key));
    }
    return Object.fromEntries(
      [...names].map((name) => {
        const kind = FIELD_KINDS.get(name);
        return [
          name,
          {
            type: describeType(name, kind),
            isRequired: false,
            isReadOnly: READ_ONLY.has(name),
            isImmutable: name === 'entityTypeId',
            isMultiple: kind === 'multi',
            isDynamic: kind === undefined,
            title: name,
            upperName: kind === undefined ? camelToUf(name) : name.replace(/([A-Z])/g, '_$1').toUpperCase(),
          },
        ];
      }),
    );
  }

  private type(entityTypeId: number): CrmType {
    const known = this.types.get(entityTypeId);
    if (known) {
      return known;
    }
    if (entityTypeId >= 128 && this.env.autoCreate) {
      return this.createType(entityTypeId, []);
    }
    throw notFound('Smart process not found');
  }

  private createType(entityTypeId: number, categories: CategoryConfig[]): CrmType {
    const type: CrmType = { entityTypeId, categories: [], items: new Map(), nextId: 1 };
    for (const category of categories.length > 0 ? categories : [{ id: this.nextCategoryId++ }]) {
      this.addCategory(type, category);
    }
    this.types.set(entityTypeId, type);
    return type;
  }

  private addCategory(type: CrmType, category: CategoryConfig): void {
    type.categories.push({
      id: category.id,
      name: category.name ?? (category.id === 0 ? 'General' : `Pipeline ${category.id}`),
    });
    this.statuses.ensureDefaults(type.entityTypeId, category.id);
  }

  private write(item: CrmRecord, fields: unknown, mode: { allowReadOnly: boolean; creating: boolean }): void {
    if (!isRecord(fields)) {
      return;
    }
    for (const [key, value] of Object.entries(fields)) {
      const field = resolveCrmField(key);
      if (!field || (READ_ONLY.has(field.name) && !mode.allowReadOnly)) {
        continue;
      }
      if (field.name === 'fm') {
        this.writeMultiFields(item, value, mode);
      } else {
        item[field.name] = this.coerce(field, value);
      }
    }
  }

  /**
   * `fm` as the portal takes it (tutorial "how to change e-mail or phone"): every element of a list adds a value,
   * and so does every key of an object that is not the id of one of the item's values (`n0`, `n1`, an unknown id);
   * the key of an existing value changes that value, or deletes it when the new value is empty. Values not named
   * are left alone, so sending a phone again without its id appends it a second time. An element without `typeId`
   * is ignored without an error, and so is an `fm` that is neither a list nor an object. Seeds may give ids.
   */
  private writeMultiFields(item: CrmRecord, value: unknown, mode: { allowReadOnly: boolean; creating: boolean }): void {
    if (!WITH_MULTI_FIELDS.has(item.entityTypeId) || (!isRecord(value) && !Array.isArray(value))) {
      return;
    }
    const values = mode.creating ? [] : [...(item.fm as MultiFieldValue[])];
    const elements = isDenseList(value) ? value.map((one) => [undefined, one] as const) : Object.entries(value);
    for (const [key, element] of elements) {
      if (!isRecord(element) || stringParam(element.typeId) === '') {
        continue;
      }
      const text = stringParam(element.value);
      const index = key === undefined ? -1 : values.findIndex((known) => known.id === Number(key));
      if (index >= 0 && text.trim() === '') {
        values.splice(index, 1);
      } else if (index >= 0) {
        const valueType = stringParam(element.valueType) || values[index].valueType;
        values[index] = { ...values[index], valueType, value: text, typeId: stringParam(element.typeId) };
      } else if (text.trim() !== '') {
        const seededId = mode.allowReadOnly ? Number(element.id) : Number.NaN;
        const id = Number.isInteger(seededId) && seededId > 0 ? seededId : this.nextMultiFieldId;
        this.nextMultiFieldId = Math.max(this.nextMultiFieldId, id + 1);
        const valueType = stringParam(element.valueType) || 'WORK';
        values.push({ id, valueType, value: text, typeId: stringParam(element.typeId) });
      }
    }
    item.fm = values;
  }

  private coerce(field: FieldRef, value: unknown): unknown {
    switch (field.kind) {
      case 'number':
        return value === null || value === '' ? null : Number(value);
      case 'date':
        return value === null || value === '' ? null : requirePortalDate(value, this.env.offsetMinutes, field.name);
      case 'boolean':
        return value === true || value === 'Y' || value === 1 || value === '1' ? 'Y' : 'N';
      case 'multi':
        return toList(value ?? []);
      case 'string':
        return field.name === 'xmlId' && value === null ? '' : value === null ? null : stringParam(value);
      case 'auto':
        return value;
    }
  }

  private applyPipeline(type: CrmType, item: CrmRecord, before: CrmRecord | undefined): void {
    if (WITHOUT_STAGES.has(type.entityTypeId)) {
      for (const key of ['stageId', 'previousStageId', 'movedBy', 'movedTime']) {
        delete item[key];
      }
      return;
    }
    const categoryId = Number(item.categoryId);
    if (!type.categories.some((category) => category.id === categoryId)) {
      if (!this.env.autoCreate || !Number.isInteger(categoryId) || categoryId < 0) {
        throw invalidValue('categoryId');
      }
      this.addCategory(type, { id: categoryId });
    }
    const entity = stageEntity(type.entityTypeId, type.entityTypeId === 1 ? 0 : categoryId);
    const stages = entity ? this.statuses.stagesOf(entity.entityId).map((stage) => stage.STATUS_ID) : [];
    const stageGiven = item.stageId !== undefined && item.stageId !== before?.stageId;
    const categoryMoved = before !== undefined && before.categoryId !== item.categoryId;
    if (!stageGiven && (before === undefined || categoryMoved)) {
      item.stageId = stages[0];
    } else if (!stages.includes(String(item.stageId))) {
      throw invalidValue('stageId');
    }
  }

  private emit(item: CrmRecord, action: 'ADD' | 'UPDATE' | 'DELETE', origin: Origin): void {
    const fields: Record<string, number> = { ID: item.id };
    if (item.entityTypeId >= 128) {
      fields.ENTITY_TYPE_ID = item.entityTypeId;
    }
    for (const name of crmEventNames(item.entityTypeId, action)) {
      this.env.hub.emit(name, { FIELDS: fields }, origin);
    }
  }
}

function rank(key: string): number {
  if (key === 'entityTypeId') {
    return Number.MAX_SAFE_INTEGER;
  }
  return FIELD_ORDER.get(key) ?? FIELDS.length;
}

/**
 * `select` with `*` (everything) or `uf_*` (all user fields); `id` always comes back. `fm` is not a field of the
 * item and comes back with `*` only, never when named (crm.item.list docs).
 */
function selection(select: unknown): ((key: string) => boolean) | undefined {
  const names = select === undefined ? [] : toList(select).map(String);
  if (names.length === 0 || names.includes('*')) {
    return undefined;
  }
  const resolved = new Set(names.map((name) => resolveCrmField(name)?.name ?? name));
  const allUf = names.some((name) => name.toLowerCase() === 'uf_*');
  return (key) => key === 'id' || (key !== 'fm' && resolved.has(key)) || (allUf && key.startsWith('ufCrm'));
}

function describeType(name: string, kind: FieldKind | undefined): string {
  if (name === 'stageId') {
    return 'crm_status';
  }
  if (name === 'currencyId') {
    return 'crm_currency';
  }
  switch (kind) {
    case 'number':
      return name === 'opportunity' ? 'double' : 'integer';
    case 'date':
      return 'datetime';
    case 'boolean':
      return 'char';
    case 'multi':
      return 'integer';
    case 'string':
    case 'auto':
    case undefined:
      return 'string';
  }
}
