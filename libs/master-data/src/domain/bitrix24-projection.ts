import { canonicalJson, sha256Hex } from '@app/core';
import type { CounterpartyData, ProductData } from './mirror-records';

// What Bitrix24 shows of a mirrored entity, in our field names: the mapping file (BITRIX24_MAPPING_FILE) decides
// which of these fields reach the portal and under which codes. 1C is the source of truth for every one of them.

/** The Bitrix24 entity kinds master data writes (infrastructure/bitrix24-kinds.ts registers them). */
export type Bitrix24CopyKind = 'product' | 'company' | 'contact';

/**
 * How each of our fields is compared with what the portal echoes: `decimal` by value (`"1719.000000"` is `1719.00`),
 * `flag` as Y/N (`true`, `"Y"`, `"true"`, `1` alike), `phones` by their digits and `emails` case-insensitively, both
 * in any order, `text` trimmed (a property value echoed as `{value, valueId}` by its value).
 */
export const PROJECTION_FIELDS = {
  name: 'text',
  article: 'text',
  code: 'text',
  barcode: 'text',
  price: 'decimal',
  currency: 'text',
  quantity: 'decimal',
  vatRate: 'text',
  unit: 'text',
  inn: 'text',
  kpp: 'text',
  phones: 'phones',
  emails: 'emails',
  address: 'text',
  active: 'flag',
} as const;
export type ProjectionField = keyof typeof PROJECTION_FIELDS;
type FieldType = (typeof PROJECTION_FIELDS)[ProjectionField];

export type ProjectionValue = string | boolean | readonly string[] | null;

/** A Bitrix24 copy as the mirror says it must be. */
export interface Bitrix24Projection {
  readonly kind: Bitrix24CopyKind;
  /** The 1C id, stored on the Bitrix24 side (`xmlId`, `originId`) so the copy is found again and never doubled. */
  readonly externalId: string;
  readonly fields: Readonly<Partial<Record<ProjectionField, ProjectionValue>>>;
}

/** A price row of one offer (the product itself or one of its variants). */
export interface OfferPrice {
  readonly offerId: string;
  readonly priceTypeId: string;
  /** Canonical decimal, `numeric(15,2)`. */
  readonly price: string;
  readonly currency: string;
  readonly active: boolean;
}

/** A stock row of one offer; `warehouseId` null is 1C's total over every warehouse. */
export interface OfferStock {
  readonly offerId: string;
  readonly warehouseId: string | null;
  /** Canonical decimal, `numeric(15,3)`; may be negative. */
  readonly quantity: string;
  readonly active: boolean;
}

/** A base product with everything its catalog entry sums up: its variants, and the prices and stock of each. */
export interface ProductSource {
  readonly onecId: string;
  /** Neither deleted nor deactivated in the mirror. */
  readonly active: boolean;
  readonly data: ProductData;
  /** The OKEI code of its unit, when the mirror holds the unit. */
  readonly unitCode: string | null;
  /** The 1C ids of its variants that are active; inactive variants add neither price nor stock. */
  readonly activeVariants: readonly string[];
  readonly prices: readonly OfferPrice[];
  readonly stock: readonly OfferStock[];
}

export interface CounterpartySource {
  readonly onecId: string;
  readonly active: boolean;
  readonly data: CounterpartyData;
}

export interface PriceTypeRef {
  readonly onecId: string;
  readonly name: string;
  readonly active: boolean;
}

export interface ProjectionSettings {
  /** The price type the catalog shows, by 1C id or name (`MASTER_DATA_BITRIX24_PRICE_TYPE`); unset: the first. */
  readonly priceType?: string;
  /** Warehouses whose stock is summed (`MASTER_DATA_BITRIX24_STOCK_WAREHOUSES`); empty: every warehouse. */
  readonly stockWarehouses: readonly string[];
  /** Every price type, in the order 1C first sent them. */
  readonly priceTypes: readonly PriceTypeRef[];
}

/**
 * A base product's catalog entry. Price: the chosen price type's price of the product itself or, when only its
 * variants carry one, the lowest of theirs (a "from" price). Quantity: the stock of the product and its active
 * variants, summed exactly over the chosen warehouses; an offer's per-warehouse rows beat its total row, and a total
 * row counts only when no warehouses are chosen (it cannot be split). Inactive rows count for nothing.
 */
export function projectProduct(source: ProductSource, settings: ProjectionSettings): Bitrix24Projection {
  const offers = new Set([source.onecId, ...source.activeVariants]);
  const priceTypeId = chosenPriceType(settings);
  const prices = source.prices.filter(
    (price) => price.active && offers.has(price.offerId) && price.priceTypeId === priceTypeId,
  );
  const own = prices.find((price) => price.offerId === source.onecId);
  const shown =
    own ??
    prices.reduce<OfferPrice | undefined>(
      (lowest, price) => (lowest === undefined || compareDecimals(price.price, lowest.price) < 0 ? price : lowest),
      undefined,
    );
  const { data } = source;
  return {
    kind: 'product',
    externalId: source.onecId,
    fields: {
      name: data.name,
      article: data.article,
      code: data.code,
      barcode: data.barcodes[0] ?? null,
      price: shown?.price ?? null,
      currency: shown?.currency ?? null,
      quantity: summedStock(source.stock, offers, settings.stockWarehouses),
      vatRate: data.vatRate,
      unit: source.unitCode ?? data.unitId,
      active: source.active,
    },
  };
}

/** An organisation (юрлицо, ИП) as a company, a person as a contact. */
export function projectCounterparty(source: CounterpartySource): Bitrix24Projection {
  const { data } = source;
  return {
    kind: data.type === 'organization' ? 'company' : 'contact',
    externalId: source.onecId,
    fields: {
      name: data.name,
      inn: data.inn,
      kpp: data.kpp,
      phones: data.phones,
      emails: data.emails,
      address: data.addresses[0]?.presentation ?? null,
      active: source.active,
    },
  };
}

function chosenPriceType(settings: ProjectionSettings): string | undefined {
  if (settings.priceType === undefined) {
    return settings.priceTypes.find((type) => type.active)?.onecId;
  }
  const wanted = settings.priceType.trim();
  return (
    settings.priceTypes.find((type) => type.onecId === wanted)?.onecId ??
    settings.priceTypes.find((type) => type.name.trim().toLowerCase() === wanted.toLowerCase())?.onecId
  );
}

function summedStock(stock: readonly OfferStock[], offers: ReadonlySet<string>, warehouses: readonly string[]): string {
  const rows = stock.filter((row) => row.active && offers.has(row.offerId));
  const perWarehouse = new Set(rows.filter((row) => row.warehouseId !== null).map((row) => row.offerId));
  const counted = rows.filter((row) =>
    row.warehouseId === null
      ? warehouses.length === 0 && !perWarehouse.has(row.offerId)
      : warehouses.length === 0 || warehouses.includes(row.warehouseId),
  );
  return fromScaled(
    counted.reduce((sum, row) => sum + toScaled(row.quantity, QUANTITY_SCALE), 0n),
    QUANTITY_SCALE,
  );
}

const QUANTITY_SCALE = 3;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A canonical decimal as an integer of `scale` decimal places: exact, unlike a JS number. */
function toScaled(value: string, scale: number): bigint {
  const match = DECIMAL.exec(value);
  if (!match) {
    throw new Error(`"${value}" is not a decimal`);
  }
  const [, minus, whole, fraction = ''] = match;
  const scaled = BigInt(whole + fraction.padEnd(scale, '0').slice(0, scale));
  return minus ? -scaled : scaled;
}

function fromScaled(value: bigint, scale: number): string {
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, '0');
  const sign = value < 0n ? '-' : '';
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function compareDecimals(a: string, b: string): number {
  const scale = Math.max(fractionLength(a), fractionLength(b));
  const difference = toScaled(a, scale) - toScaled(b, scale);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

function fractionLength(value: string): number {
  const point = value.indexOf('.');
  return point < 0 ? 0 : value.length - point - 1;
}

/** One of our fields in the form two values compare equal in exactly when the portal shows the same thing. */
export function normaliseField(field: ProjectionField, value: unknown, side: 'ours' | 'theirs'): string {
  return normaliseAs(PROJECTION_FIELDS[field], value, side);
}

function normaliseAs(type: FieldType, value: unknown, side: 'ours' | 'theirs'): string {
  switch (type) {
    case 'text':
      return text(value);
    case 'decimal':
      return decimal(value);
    case 'flag':
      return flag(value);
    case 'phones':
    case 'emails': {
      const key = type === 'phones' ? phoneKey : (one: string) => one.trim().toLowerCase();
      const keys = listOf(value)
        .map(key)
        .filter((one) => one !== '');
      // Ours are a set; the portal's copies count, so a phone held twice is a difference a write removes.
      return JSON.stringify((side === 'ours' ? [...new Set(keys)] : keys).sort());
    }
  }
}

function text(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.trim();
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) {
        return '';
      }
      if (Array.isArray(value)) {
        return value.map(text).join(', ');
      }
      // Catalog properties come back as {value, valueId}.
      return 'value' in value ? text(value.value) : JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return '';
  }
}

function decimal(value: unknown): string {
  const raw = text(value);
  const match = DECIMAL.exec(raw);
  if (!match) {
    return raw;
  }
  const [, minus, whole, fraction = ''] = match;
  const integer = whole.replace(/^0+(?=\d)/, '');
  const significant = fraction.replace(/0+$/, '');
  const zero = /^0*$/.test(integer + significant);
  return `${minus && !zero ? '-' : ''}${integer}${significant === '' ? '' : `.${significant}`}`;
}

function flag(value: unknown): string {
  const raw = text(value).toLowerCase();
  return raw === 'y' || raw === 'true' || raw === '1' ? 'Y' : 'N';
}

function phoneKey(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits === '' ? value.trim().toLowerCase() : digits;
}

function listOf(value: unknown): string[] {
  if (value === null || value === undefined) {
    return [];
  }
  return (Array.isArray(value) ? value : [value]).map(text);
}

/**
 * The hash of a projection (kind and normalised fields) kept as `bitrix_hash` after a write: the same hash later
 * means the portal already holds this, so nothing is written again.
 */
export function projectionHash(projection: Bitrix24Projection): string {
  const fields = Object.fromEntries(
    Object.entries(projection.fields).map(([field, value]) => [
      field,
      normaliseField(field as ProjectionField, value, 'ours'),
    ]),
  );
  return sha256Hex(canonicalJson({ kind: projection.kind, fields }));
}

/** A field of ours that the portal shows otherwise: the values as they would be compared. */
export interface FieldDifference {
  readonly field: ProjectionField;
  readonly mirror: string;
  readonly bitrix: string;
}

/**
 * Our fields the portal shows differently. `theirs` holds our field names mapped back from the portal, so a field it
 * lacks is one the mapping does not map, and is never a difference.
 */
export function differences(
  projection: Bitrix24Projection,
  theirs: Readonly<Record<string, unknown>>,
): FieldDifference[] {
  return (Object.keys(projection.fields) as ProjectionField[])
    .filter((field) => field in theirs)
    .map((field) => ({
      field,
      mirror: normaliseField(field, projection.fields[field], 'ours'),
      bitrix: normaliseField(field, theirs[field], 'theirs'),
    }))
    .filter((difference) => difference.mirror !== difference.bitrix);
}

/** Whether a copy is active in the portal; undefined when the mapping maps no `active` field. */
export function activeInPortal(theirs: Readonly<Record<string, unknown>>): boolean | undefined {
  return 'active' in theirs ? flag(theirs.active) === 'Y' : undefined;
}
