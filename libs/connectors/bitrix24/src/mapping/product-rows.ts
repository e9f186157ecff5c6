import type { BatchCommand } from '../client/batch-result';
import type { InboundProductRow } from '../ports/inbound-change.port';
import { idOf, type RemoteEntity } from './entity-codec';

/** `T<hex entityTypeId>`: how `crm.item.productrow.*` names a smart process as the owner of rows (`T40c`). */
export function ownerTypeOf(entityTypeId: number): string {
  return `T${entityTypeId.toString(16)}`;
}

/**
 * One page of an item's rows. Both filter keys carry `=`, as the REST docs write them: the method takes ORM
 * filters, where a bare key is a LIKE-ish match on some portals. Paged by `start` like every list method (50 rows).
 */
export function listProductRows(entityTypeId: number, bitrixId: string, start = 0): BatchCommand {
  return {
    method: 'crm.item.productrow.list',
    params: {
      filter: { '=ownerType': ownerTypeOf(entityTypeId), '=ownerId': bitrixId },
      order: { sort: 'ASC', id: 'ASC' },
      start,
    },
  };
}

/** The rows of a `crm.item.productrow.list` (or `.set`) answer: `{productRows: [...]}`. */
export function productRowsOf(result: unknown): RemoteEntity[] {
  const rows =
    result && typeof result === 'object' ? (result as Record<string, unknown>).productRows : (undefined as unknown);
  return Array.isArray(rows) ? (rows as RemoteEntity[]) : [];
}

/**
 * A row as the inbound port hands it over. `productExternalIds`: our ids of catalog products by Bitrix24 id.
 * Throws {@link InvalidRowValueError} for a value that is no number, rather than passing on a line the domain
 * would book with a made-up price.
 */
export function toInboundRow(row: RemoteEntity, productExternalIds: ReadonlyMap<string, string>): InboundProductRow {
  const productId = idOf(row.productId);
  const bitrixProductId = productId === '' || productId === '0' ? null : productId;
  const taxRate = row.taxRate === null || row.taxRate === undefined || row.taxRate === '' ? null : row.taxRate;
  const measureCode = idOf(row.measureCode);
  return {
    rowId: idOf(row.id),
    bitrixProductId,
    productExternalId: bitrixProductId === null ? null : (productExternalIds.get(bitrixProductId) ?? null),
    productName: typeof row.productName === 'string' ? row.productName : '',
    price: decimalString(row.price, 'price'),
    quantity: decimalString(row.quantity, 'quantity'),
    discountSum: decimalString(row.discountSum ?? 0, 'discountSum'),
    taxRate: taxRate === null ? null : decimalString(taxRate, 'taxRate'),
    taxIncluded: row.taxIncluded === 'Y' || row.taxIncluded === true,
    measureCode: measureCode === '' || measureCode === '0' ? null : measureCode,
  };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A portal number as an exact decimal string. A float becomes its shortest round-trip form (what `String` gives:
 * `49.9`, not `49.900000000000006`), written out in positional notation when JavaScript would use an exponent
 * (`1e-7` → `0.0000001`); no arithmetic is done on it. A string is kept as the portal wrote it (`"49.90"`).
 */
export function decimalString(value: unknown, name = 'value'): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return positional(String(value));
  }
  if (typeof value === 'string' && DECIMAL.test(value.trim())) {
    return value.trim();
  }
  throw new InvalidRowValueError(name, value);
}

/** `1.5e-7` → `0.00000015`, `1e+21` → `1000000000000000000000`: the same digits, the point moved. */
function positional(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) {
    return text;
  }
  const [, sign, whole, fraction = '', exponentText] = match;
  const digits = `${whole}${fraction}`;
  const point = whole.length + Number(exponentText);
  const shifted =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? `${digits}${'0'.repeat(point - digits.length)}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  const trimmed = shifted.includes('.') ? shifted.replace(/0+$/, '').replace(/\.$/, '') : shifted;
  return `${sign}${trimmed.replace(/^0+(?=\d)/, '')}`;
}

export class InvalidRowValueError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`A product row's ${field} is not a number: ${JSON.stringify(value)}`);
  }
}
