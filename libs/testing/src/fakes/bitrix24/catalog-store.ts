import type { Origin } from './events/event-hub';
import type { PortalEnv } from './portal-env';
import { formatPortalDate, requirePortalDate } from './portal-time';
import { isRecord, stringParam, toList } from './php-values';
import { runListQuery, type FieldKind, type FieldRef, type Page, type QueryDialect } from './query';
import { RestError } from './rest-error';

export type ProductRecord = Record<string, unknown> & { id: number; iblockId: number };

const FIELDS: Record<string, FieldKind> = {
  active: 'boolean',
  available: 'boolean',
  bundle: 'boolean',
  canBuyZero: 'boolean',
  code: 'string',
  createdBy: 'number',
  dateCreate: 'date',
  detailText: 'string',
  detailTextType: 'string',
  height: 'number',
  iblockId: 'number',
  iblockSectionId: 'number',
  id: 'number',
  length: 'number',
  measure: 'number',
  modifiedBy: 'number',
  name: 'string',
  previewText: 'string',
  previewTextType: 'string',
  purchasingCurrency: 'string',
  purchasingPrice: 'number',
  quantity: 'number',
  quantityReserved: 'number',
  quantityTrace: 'string',
  sort: 'number',
  subscribe: 'string',
  timestampX: 'date',
  type: 'number',
  vatId: 'number',
  vatIncluded: 'boolean',
  weight: 'number',
  width: 'number',
  xmlId: 'string',
};
const READ_ONLY = new Set(['id', 'timestampX', 'type', 'available', 'bundle']);

function resolveProductField(name: string): FieldRef | undefined {
  if (/^property\d+$/i.test(name)) {
    return { name: name.toLowerCase(), kind: 'multi' };
  }
  const canonical = Object.keys(FIELDS).find((field) => field.toLowerCase() === name.toLowerCase());
  return canonical ? { name: canonical, kind: FIELDS[canonical] } : undefined;
}

/** catalog.* speaks numeric error codes (protocol doc §2.4, §3.3). */
const catalogError = (code: number | string, description: string) => new RestError(400, code, description);

/** Products behind `catalog.product.*`. */
export class CatalogStore {
  private readonly products = new Map<number, ProductRecord>();
  private nextId = 1;
  private nextValueId = 1;

  readonly dialect: QueryDialect;

  constructor(
    private readonly env: PortalEnv,
    private readonly iblockIds: number[],
  ) {
    this.dialect = {
      resolve: resolveProductField,
      unknownFilterField: (name) => catalogError(0, `Unknown filter field: ${name}`),
      unknownOrderField: (name) => catalogError(0, `Unknown order field: ${name}`),
      badDirection: (direction) => catalogError(0, `Unknown order direction: ${direction}`),
      offsetMinutes: this.env.offsetMinutes,
    };
  }

  add(fields: unknown, origin: Origin): ProductRecord {
    if (!isRecord(fields) || Object.keys(fields).length === 0) {
      throw catalogError(100, 'Could not find value for parameter {fields}');
    }
    const missing = ['iblockId', 'name'].filter((name) => fields[name] === undefined || fields[name] === '');
    if (missing.length > 0) {
      throw catalogError(0, `Required fields: ${missing.join(', ')}`);
    }
    this.requireIblock(fields.iblockId);
    const now = this.env.clock();
    const product: ProductRecord = {
      id: this.nextId++,
      iblockId: Number(fields.iblockId),
      active: 'Y',
      available: 'Y',
      bundle: 'N',
      canBuyZero: 'N',
      code: null,
      createdBy: origin.userId,
      modifiedBy: origin.userId,
      dateCreate: now,
      timestampX: now,
      detailText: null,
      detailTextType: 'text',
      previewText: null,
      previewTextType: 'text',
      purchasingCurrency: null,
      purchasingPrice: null,
      quantity: 0,
      quantityReserved: 0,
      quantityTrace: 'D',
      sort: 500,
      subscribe: 'D',
      type: 1,
      vatId: null,
      vatIncluded: 'N',
      xmlId: '',
    };
    this.write(product, fields);
    // The portal stores the element's own id as XML_ID when none is given (catalog.product.add docs).
    if (product.xmlId === '' || product.xmlId === null) {
      product.xmlId = String(product.id);
    }
    this.products.set(product.id, product);
    this.emit('CATALOG.PRODUCT.ON.ADD', product, origin);
    return product;
  }

  update(id: unknown, fields: unknown, origin: Origin): ProductRecord {
    if (id === undefined || id === '') {
      throw catalogError(100, 'Could not find value for parameter {id}');
    }
    if (!isRecord(fields) || Object.keys(fields).length === 0) {
      throw catalogError(100, 'Could not find value for parameter {fields}');
    }
    const existing = this.products.get(Number(id));
    if (!existing) {
      throw catalogError(0, 'Product with the specified identifier does not exist');
    }
    const product = { ...existing };
    this.write(product, fields);
    Object.assign(product, { modifiedBy: origin.userId, timestampX: this.env.clock() });
    this.products.set(product.id, product);
    this.emit('CATALOG.PRODUCT.ON.UPDATE', product, origin);
    return product;
  }

  delete(id: unknown, origin: Origin): void {
    const product = this.get(id);
    this.products.delete(product.id);
    this.emit('CATALOG.PRODUCT.ON.DELETE', product, origin);
  }

  get(id: unknown): ProductRecord {
    if (id === undefined || id === '') {
      throw catalogError(100, 'Could not find value for parameter {id}');
    }
    const product = this.products.get(Number(id));
    if (!product) {
      // An empty code, unlike every other catalog error (catalog.product.get docs).
      throw catalogError('', 'product does not exist.');
    }
    return product;
  }

  list(params: { select?: unknown; filter?: unknown; order?: unknown; start?: unknown }): Page<ProductRecord> {
    const select = toList(params.select ?? []).map((name) => String(name));
    const missingSelect = ['id', 'iblockId'].filter((name) => !select.includes(name));
    if (missingSelect.length > 0) {
      throw catalogError(0, `Required select fields: ${missingSelect.join(', ')}`);
    }
    if (params.filter !== undefined && !isRecord(params.filter)) {
      throw catalogError(0, 'Incorrect filter format');
    }
    const iblockKey = Object.keys(params.filter ?? {}).find((key) => key.toLowerCase() === 'iblockid');
    if (!isRecord(params.filter) || iblockKey === undefined) {
      throw catalogError(0, 'Required filter fields: iblockId');
    }
    this.requireIblock(params.filter[iblockKey]);
    return runListQuery([...this.products.values()], params, { id: 'ASC' }, this.dialect);
  }

  all(): ProductRecord[] {
    return [...this.products.values()];
  }

  /** Alphabetical keys, `purchasingPrice` as a 6-decimal string, properties as `{value, valueId}`. */
  present(product: ProductRecord, select?: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(product).sort()) {
      if (select && !select.includes(key)) {
        continue;
      }
      const value = product[key];
      if (FIELDS[key] === 'date' && typeof value === 'number') {
        out[key] = formatPortalDate(value, this.env.offsetMinutes);
      } else if (key === 'purchasingPrice' && typeof value === 'number') {
        out[key] = value.toFixed(6);
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  private requireIblock(value: unknown): void {
    if (!this.iblockIds.includes(Number(value))) {
      throw catalogError(200040300000, 'Iblock Not Found');
    }
  }

  private write(product: ProductRecord, fields: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(fields)) {
      const field = resolveProductField(key);
      if (!field || READ_ONLY.has(field.name)) {
        continue;
      }
      product[field.name] = this.coerce(field, value);
    }
  }

  private coerce(field: FieldRef, value: unknown): unknown {
    if (value === null || value === '') {
      return field.name === 'xmlId' ? '' : null;
    }
    switch (field.kind) {
      case 'number':
        return Number(value);
      case 'date':
        return requirePortalDate(value, this.env.offsetMinutes, field.name);
      case 'boolean':
        return value === true || value === 'Y' ? 'Y' : 'N';
      case 'multi': {
        const values = toList(value).map((one) => ({
          value: isRecord(one) ? one.value : one,
          valueId: String(this.nextValueId++),
        }));
        return Array.isArray(value) ? values : values[0];
      }
      case 'string':
      case 'auto':
        return stringParam(value);
    }
  }

  private emit(event: string, product: ProductRecord, origin: Origin): void {
    this.env.hub.emit(event, { FIELDS: { ID: product.id, TYPE: product.type } }, origin);
  }
}
