import { createHash } from 'node:crypto';
import type { BatchCommand } from '../client/batch-result';
import type { UpsertProductRow, UpsertRequest } from '../ports/upsert.port';
import type { CrmItemMapping, EntityMapping, ProductMapping } from './bitrix24-mapping';
import {
  changes,
  ownedValues,
  valueKey,
  wantedValues,
  type MultiFieldElement,
  type MultiFieldMapping,
} from './multi-fields';

export type WritableMapping = CrmItemMapping | ProductMapping;

/** A Bitrix24 entity as the REST answers show it. */
export type RemoteEntity = Record<string, unknown>;

/**
 * Translates between our requests and Bitrix24's methods for one mapped entity: the fields a create or update
 * sends, the methods, the lookup by external id, and the content hash that tells our own writes from real changes.
 */
export class EntityCodec {
  constructor(
    readonly mapping: WritableMapping,
    private readonly originatorId: string,
  ) {}

  get entityTypeId(): number | undefined {
    return this.mapping.representation === 'crm_item' ? this.mapping.entityTypeId : undefined;
  }

  /**
   * The Bitrix24 fields for `request`; an unknown status is a request error, not something to guess. An update
   * carrying multi-fields needs `existing`, the entity as the portal holds it now (see {@link needsExisting}).
   */
  fields(request: UpsertRequest, creating: boolean, existing?: RemoteEntity): Record<string, unknown> {
    if (request.productRows !== undefined && !this.carriesProductRows) {
      throw new NoProductRowsError(request.kind);
    }
    if (request.adoptBitrixId !== undefined && this.mapping.representation !== 'crm_item') {
      throw new CannotAdoptError(request.kind);
    }
    const out = this.mapped(request.kind, request.fields, creating ? 'creating' : (existing ?? {}));
    if (this.mapping.representation === 'catalog_product') {
      return { ...out, iblockId: this.mapping.iblockId, xmlId: request.externalId };
    }
    if (this.mapping.externalId === 'originId') {
      Object.assign(out, { originatorId: this.originatorId, originId: request.externalId });
    } else {
      out.xmlId = request.externalId;
    }
    if (creating && this.mapping.categoryId !== undefined) {
      out.categoryId = this.mapping.categoryId;
    }
    if (request.status !== undefined) {
      const stage = this.mapping.stages[request.status];
      if (stage === undefined) {
        throw new UnmappedStatusError(request.kind, request.status);
      }
      out.stageId = stage;
    }
    return out;
  }

  /**
   * Our fields as Bitrix24 codes; fields the mapping does not name are left out. Multi-fields become new values on
   * a create and, on an update, the changes against the values `existing` holds (by value id); an update that
   * would need them but was given an entity without `fm` is refused rather than sent blind, since values sent
   * without their ids are appended.
   */
  mapped(
    kind: string,
    fields: Readonly<Record<string, unknown>>,
    existing: RemoteEntity | 'creating',
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [ours, value] of Object.entries(fields)) {
      const code = this.mapping.fields[ours];
      if (code !== undefined && value !== undefined) {
        // Flags are Y/N on the portal (`active`, boolean user fields); a batch's form encoding sends them so
        // anyway, a JSON call must too.
        out[code] = typeof value === 'boolean' ? (value ? 'Y' : 'N') : value;
      }
    }
    const adds: MultiFieldElement[] = [];
    const removes = new Map<string, MultiFieldElement>();
    for (const [ours, multi] of this.multiFields) {
      const wanted = wantedValues(kind, ours, fields[ours]);
      if (wanted === undefined) {
        continue;
      }
      const held = existing === 'creating' ? [] : ownedValues(existing, multi);
      if (held === undefined) {
        throw new Error(`${kind}.${ours}: the entity was read without its multi-fields (fm)`);
      }
      const { add, remove } = changes(multi, wanted, held);
      adds.push(...add);
      remove.forEach((element, id) => removes.set(id, element));
    }
    if (existing === 'creating' && adds.length > 0) {
      out.fm = adds;
    } else if (adds.length + removes.size > 0) {
      // Keyed by value id to change one, `n<k>` to add one (a list would only ever add).
      out.fm = Object.fromEntries([...removes, ...adds.map((element, index) => [`n${index}`, element] as const)]);
    }
    return out;
  }

  /** Whether updating these fields needs the entity first: multi-field values are addressed by their ids. */
  needsExisting(fields: Readonly<Record<string, unknown>>): boolean {
    return this.multiFields.some(([ours]) => fields[ours] !== undefined);
  }

  /**
   * Our fields among `wanted` that the entity, in our view ({@link toOurs}), holds differently: compared as the
   * content hash compares (numbers by value, Y/N and booleans alike, multi-fields by their values' keys), so what
   * a write would not change is no drift. Fields the mapping does not map are not compared.
   */
  drift(theirs: Readonly<Record<string, unknown>>, wanted: Readonly<Record<string, unknown>>): string[] {
    const multi = new Map(this.multiFields);
    return Object.entries(wanted)
      .filter(([ours, value]) => {
        const mapping = multi.get(ours);
        if (value === undefined || (mapping === undefined && this.mapping.fields[ours] === undefined)) {
          return false;
        }
        if (mapping === undefined) {
          return normalise(value) !== normalise(theirs[ours]);
        }
        const want = [
          ...new Set(wantedValues(this.mapping.kind, ours, value)!.map((one) => valueKey(mapping.type, one))),
        ];
        return multiKeys(mapping, theirs[ours]) !== JSON.stringify(want.sort());
      })
      .map(([ours]) => ours);
  }

  create(fields: Record<string, unknown>): BatchCommand {
    return this.mapping.representation === 'catalog_product'
      ? { method: 'catalog.product.add', params: { fields } }
      : { method: 'crm.item.add', params: { entityTypeId: this.mapping.entityTypeId, fields } };
  }

  update(bitrixId: string, fields: Record<string, unknown>): BatchCommand {
    return this.mapping.representation === 'catalog_product'
      ? { method: 'catalog.product.update', params: { id: bitrixId, fields } }
      : { method: 'crm.item.update', params: { entityTypeId: this.mapping.entityTypeId, id: bitrixId, fields } };
  }

  /** Smart-process items (and deals) have lines; companies, contacts and catalog products do not. */
  get carriesProductRows(): boolean {
    return this.mapping.representation === 'crm_item' && ![3, 4].includes(this.mapping.entityTypeId);
  }

  /** Replaces an item's lines (`fields` refused rows for an entity without them before anything was sent). */
  productRows(bitrixId: string, rows: readonly UpsertProductRow[]): BatchCommand {
    if (this.mapping.representation !== 'crm_item' || !this.carriesProductRows) {
      throw new NoProductRowsError(this.mapping.kind);
    }
    return {
      method: 'crm.item.productrow.set',
      params: {
        ownerType: `T${this.mapping.entityTypeId.toString(16)}`,
        ownerId: bitrixId,
        productRows: rows.map((row) => ({
          productName: row.productName,
          price: row.price,
          quantity: row.quantity,
          taxRate: row.taxRate ?? '',
          taxIncluded: row.taxIncluded ? 'Y' : 'N',
          ...(row.measureCode === undefined ? {} : { measureCode: row.measureCode }),
        })),
      },
    };
  }

  /** The entities with these ids, whole (`select *` is the only way to get `fm`); at most a page, 50. */
  byIds(bitrixIds: readonly string[]): BatchCommand {
    if (this.mapping.representation === 'catalog_product') {
      return this.list({ '@id': [...bitrixIds] }, { id: 'ASC' });
    }
    return {
      method: 'crm.item.list',
      params: {
        entityTypeId: this.mapping.entityTypeId,
        select: ['*', 'uf_*'],
        filter: { '@id': [...bitrixIds] },
        order: { id: 'ASC' },
      },
    };
  }

  get(bitrixId: string): BatchCommand {
    return this.mapping.representation === 'catalog_product'
      ? { method: 'catalog.product.get', params: { id: bitrixId } }
      : { method: 'crm.item.get', params: { entityTypeId: this.mapping.entityTypeId, id: bitrixId } };
  }

  /** Keyset listing for the reconcile: full rows, `start=-1` (no COUNT). */
  list(filter: Record<string, unknown>, order: Record<string, string>): BatchCommand {
    if (this.mapping.representation === 'catalog_product') {
      return {
        method: 'catalog.product.list',
        params: {
          select: [...new Set(['id', 'iblockId', 'xmlId', 'timestampX', ...Object.values(this.mapping.fields)])],
          filter: { iblockId: this.mapping.iblockId, ...filter },
          order,
          start: -1,
        },
      };
    }
    return {
      method: 'crm.item.list',
      params: { entityTypeId: this.mapping.entityTypeId, select: ['*', 'uf_*'], filter, order, start: -1 },
    };
  }

  /** Finds entities by our external ids (at most a page, 50, per command). */
  lookup(externalIds: readonly string[]): BatchCommand {
    if (this.mapping.representation === 'catalog_product') {
      return {
        method: 'catalog.product.list',
        params: {
          select: ['id', 'iblockId', 'xmlId'],
          filter: { iblockId: this.mapping.iblockId, xmlId: [...externalIds] },
          order: { id: 'ASC' },
        },
      };
    }
    const filter =
      this.mapping.externalId === 'originId'
        ? { originatorId: this.originatorId, '@originId': [...externalIds] }
        : { '@xmlId': [...externalIds] };
    return {
      method: 'crm.item.list',
      params: {
        entityTypeId: this.mapping.entityTypeId,
        select: ['id', 'xmlId', 'originId'],
        filter,
        order: { id: 'ASC' },
      },
    };
  }

  /** The entities of a list answer (`items`, `products` for the catalog). */
  listed(result: unknown): RemoteEntity[] {
    return rowsOf(result, this.mapping.representation === 'catalog_product' ? 'products' : 'items');
  }

  /** The rows of a lookup answer as external id → Bitrix24 id; the oldest wins if a duplicate ever slipped in. */
  lookupResult(result: unknown): Map<string, string> {
    const rows = this.listed(result);
    const found = new Map<string, string>();
    for (const row of rows) {
      const external = this.externalIdOf(row);
      if (external && !found.has(external)) {
        found.set(external, idOf(row.id));
      }
    }
    return found;
  }

  /** The entity an add/update/get answer carries. */
  entityOf(result: unknown): RemoteEntity | undefined {
    if (!result || typeof result !== 'object') {
      return undefined;
    }
    const record = result as Record<string, unknown>;
    const entity = record.item ?? record.element ?? record.product;
    return entity && typeof entity === 'object' ? (entity as RemoteEntity) : undefined;
  }

  /**
   * Our id of the entity, if it carries one: `originId` only under our `originatorId` (another integration's
   * companies are not ours), and not a product's `xmlId` that is just its own id (the portal's default).
   */
  externalIdOf(entity: RemoteEntity): string | undefined {
    if (
      this.mapping.externalId === 'originId' &&
      'originatorId' in entity &&
      entity.originatorId !== this.originatorId
    ) {
      return undefined;
    }
    const value = this.mapping.externalId === 'originId' ? entity.originId : entity.xmlId;
    const own = this.mapping.representation === 'catalog_product' && value === idOf(entity.id);
    return typeof value === 'string' && value !== '' && !own ? value : undefined;
  }

  /** Narrows a list to the entities that may carry our external id, where the portal can filter by it. */
  get ownedFilter(): Record<string, unknown> {
    return this.mapping.externalId === 'originId' ? { originatorId: this.originatorId } : {};
  }

  /** When the entity last changed on the portal (`updatedTime`, `timestampX` for products). */
  updatedAt(entity: RemoteEntity): Date | undefined {
    const raw = this.mapping.representation === 'catalog_product' ? entity.timestampX : entity.updatedTime;
    const parsed = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    return Number.isNaN(parsed) ? undefined : new Date(parsed);
  }

  /**
   * A hash of the mapped fields as the portal shows them. Taken from the answer to our own write, it equals the
   * hash of a later re-read exactly when nobody else changed those fields: how our own writes are told apart.
   */
  contentHash(entity: RemoteEntity): string {
    const codes = [...Object.values(this.mapping.fields)];
    if (this.mapping.representation === 'crm_item' && Object.keys(this.mapping.stages).length > 0) {
      codes.push('stageId');
    }
    const canonical = [
      ...codes.sort().map((code) => `${code}=${normalise(entity[code])}`),
      ...this.multiFields.map(([ours, multi]) => `fm.${ours}=${multiKeys(multi, this.toOursMulti(entity, multi))}`),
    ].join('\n');
    return createHash('sha256').update(canonical).digest('hex');
  }

  /** Our view of a remote entity: our field names and status, for the inbound port. */
  toOurs(entity: RemoteEntity): { fields: Record<string, unknown>; status?: string } {
    const fields: Record<string, unknown> = {};
    for (const [ours, code] of Object.entries(this.mapping.fields)) {
      if (code in entity) {
        fields[ours] = entity[code];
      }
    }
    for (const [ours, multi] of this.multiFields) {
      const values = this.toOursMulti(entity, multi);
      if (values !== undefined) {
        fields[ours] = values;
      }
    }
    if (this.mapping.representation === 'crm_item' && typeof entity.stageId === 'string') {
      const status = Object.entries(this.mapping.stages).find(([, stage]) => stage === entity.stageId)?.[0];
      return { fields, ...(status === undefined ? {} : { status }) };
    }
    return { fields };
  }

  /** Our multi-fields, sorted by name so hashes do not depend on the file's order. */
  private get multiFields(): Array<[string, MultiFieldMapping]> {
    return this.mapping.representation === 'crm_item'
      ? Object.entries(this.mapping.multiFields).sort(([a], [b]) => a.localeCompare(b))
      : [];
  }

  /** A multi-field in our view: the values it owns, as the portal writes them. */
  private toOursMulti(entity: RemoteEntity, multi: MultiFieldMapping): string[] | undefined {
    return ownedValues(entity, multi)?.map((one) => one.value);
  }
}

/** Held values as their sorted keys, duplicates kept: copies are a difference a write removes. */
function multiKeys(multi: MultiFieldMapping, values: unknown): string {
  const list = Array.isArray(values) ? values.filter((one): one is string => typeof one === 'string') : [];
  return JSON.stringify(list.map((one) => valueKey(multi.type, one)).sort());
}

export class NoProductRowsError extends Error {
  constructor(readonly kind: string) {
    super(`${kind} entities carry no product rows in Bitrix24`);
  }
}

/** Only CRM items can be adopted: a catalog product made in the portal is matched by the catalog sync instead. */
export class CannotAdoptError extends Error {
  constructor(readonly kind: string) {
    super(`${kind} entities cannot be adopted: only CRM items (smart processes, companies, contacts) can`);
  }
}

export class UnmappedStatusError extends Error {
  constructor(
    readonly kind: string,
    readonly status: string,
  ) {
    super(`Status "${status}" of ${kind} has no stage in the Bitrix24 mapping`);
  }
}

export function isWritable(mapping: EntityMapping | undefined): mapping is WritableMapping {
  return mapping?.representation === 'crm_item' || mapping?.representation === 'catalog_product';
}

function rowsOf(result: unknown, key: string): RemoteEntity[] {
  if (Array.isArray(result)) {
    return result as RemoteEntity[];
  }
  const rows = result && typeof result === 'object' ? (result as Record<string, unknown>)[key] : undefined;
  return Array.isArray(rows) ? (rows as RemoteEntity[]) : [];
}

/** Values as the portal may echo them: numbers as strings (`"100.000000"`), dates in the portal's zone, Y/N. */
function normalise(value: unknown): string {
  if (value === null || value === undefined || value === '') {
    return '';
  }
  if (typeof value === 'boolean') {
    return value ? 'Y' : 'N';
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
      return String(Number(trimmed));
    }
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) {
      return new Date(Date.parse(trimmed)).toISOString();
    }
    return trimmed;
  }
  if (Array.isArray(value)) {
    return `[${value.map(normalise).join(',')}]`;
  }
  return JSON.stringify(value);
}

/** Ids come back as numbers (crm.item) or strings (legacy methods, offline queue). */
export function idOf(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
}
