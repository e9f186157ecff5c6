import type { CrmStore } from './crm-store';
import { isRecord, stringParam, toList } from './php-values';
import { RestError } from './rest-error';

/**
 * One row as `crm.item.productrow.*` answers it, keys in the recorded order (fixture
 * `crm_item_productrow_list.json`): prices and quantities are the portal's floats.
 */
export interface ProductRow {
  id: number;
  ownerId: number;
  ownerType: string;
  productId: number;
  productName: string;
  price: number;
  priceAccount: number;
  priceExclusive: number;
  priceNetto: number;
  priceBrutto: number;
  quantity: number;
  discountTypeId: number;
  discountRate: number;
  discountSum: number;
  taxRate: number | null;
  taxIncluded: 'Y' | 'N';
  customized: 'Y' | 'N';
  measureCode: number;
  measureName: string;
  sort: number;
  xmlId: string;
  type: number;
}

/** OKEI codes the portal's default units carry. */
const MEASURE_NAMES: Record<number, string> = { 796: 'шт', 166: 'кг', 168: 'т', 112: 'л', 6: 'м' };

/** The legacy one-letter owner types (lead, deal, quote, contact, company) and their entity type ids. */
const LETTER_TYPES: Record<string, number> = { L: 1, D: 2, Q: 7, C: 3, CO: 4 };

const invalid = (message: string) => new RestError(400, 'INVALID_ARG_VALUE', message);

/**
 * Product rows of CRM items (protocol doc: `crm.item.productrow.set` replaces all rows of the owner, `ownerType`
 * `T{hex typeId}` for a smart process, `D` for a deal; one invalid row rejects the whole set; `OWNER_NOT_FOUND`,
 * `ENTITY_TYPE_NOT_SUPPORTED`).
 */
export class ProductRowStore {
  private readonly rows = new Map<string, ProductRow[]>();
  // Row ids are portal-wide.
  private nextId = 1;

  constructor(private readonly crm: CrmStore) {}

  set(ownerTypeParam: unknown, ownerIdParam: unknown, rowsParam: unknown): ProductRow[] {
    const ownerType = stringParam(ownerTypeParam);
    const ownerId = Number(stringParam(ownerIdParam));
    const entityTypeId = entityTypeOf(ownerType);
    try {
      this.crm.get(entityTypeId, ownerId);
    } catch {
      throw new RestError(400, 'OWNER_NOT_FOUND', `The owner ${ownerType}:${ownerId} is not found`);
    }
    // Checked whole before anything is replaced: one bad row rejects the set.
    const listed = rowsParam === undefined || rowsParam === '' ? [] : toList(rowsParam);
    const rows = listed.map((raw, index) => this.row(raw, index, ownerType, ownerId));
    this.nextId += rows.length;
    this.rows.set(`${ownerType}:${ownerId}`, rows);
    return rows;
  }

  /** In the portal's order: `sort`, then row id. */
  list(ownerType: string, ownerId: number): ProductRow[] {
    entityTypeOf(ownerType);
    return [...(this.rows.get(`${ownerType}:${ownerId}`) ?? [])].sort((a, b) => a.sort - b.sort || a.id - b.id);
  }

  private row(raw: unknown, index: number, ownerType: string, ownerId: number): ProductRow {
    if (!isRecord(raw)) {
      throw invalid(`Product row ${index} is not an object`);
    }
    const number = (name: string, fallback?: number): number => {
      const value = raw[name];
      if (value === undefined || value === null || value === '') {
        if (fallback === undefined) {
          throw invalid(`Product row ${index}: ${name} is required`);
        }
        return fallback;
      }
      const parsed = Number(stringParam(value));
      if (!Number.isFinite(parsed)) {
        throw invalid(`Product row ${index}: ${name} is not a number`);
      }
      return parsed;
    };
    const productId = number('productId', 0);
    const productName = raw.productName === undefined ? '' : stringParam(raw.productName);
    if (productId === 0 && productName === '') {
      throw invalid(`Product row ${index}: a row without a product needs a productName`);
    }
    const quantity = number('quantity', 1);
    if (quantity < 0) {
      throw invalid(`Product row ${index}: quantity must not be negative`);
    }
    const taxRate = raw.taxRate === undefined || raw.taxRate === null || raw.taxRate === '' ? null : number('taxRate');
    const taxIncluded = raw.taxIncluded === 'Y' || raw.taxIncluded === true ? 'Y' : 'N';
    const price = number('price', 0);
    // The portal keeps the price both ways; float arithmetic, as it does.
    const exclusive = taxIncluded === 'Y' && taxRate ? price / (1 + taxRate / 100) : price;
    const measureCode = number('measureCode', 796);
    const discountSum = number('discountSum', 0);
    return {
      id: this.nextId + index,
      ownerId,
      ownerType,
      productId,
      productName,
      price,
      priceAccount: price,
      priceExclusive: exclusive,
      priceNetto: exclusive,
      priceBrutto: taxIncluded === 'Y' || !taxRate ? price : price * (1 + taxRate / 100),
      quantity,
      // 1: a sum per unit, 2: a percent (the portal's default for a row without a discount).
      discountTypeId: discountSum === 0 ? 2 : 1,
      discountRate: number('discountRate', 0),
      discountSum,
      taxRate,
      taxIncluded,
      customized: 'Y',
      measureCode,
      measureName: MEASURE_NAMES[measureCode] ?? '',
      sort: number('sort', (index + 1) * 10),
      xmlId: '',
      type: 4,
    };
  }
}

/** `T40c` → 1036; the letters of the legacy owners; anything else is not a type with product rows. */
function entityTypeOf(ownerType: string): number {
  const smartProcess = /^T([0-9a-f]+)$/.exec(ownerType);
  const entityTypeId = smartProcess ? parseInt(smartProcess[1], 16) : LETTER_TYPES[ownerType];
  if (entityTypeId === undefined) {
    throw new RestError(400, 'ENTITY_TYPE_NOT_SUPPORTED', `Entity type ${ownerType} is not supported`);
  }
  return entityTypeId;
}
