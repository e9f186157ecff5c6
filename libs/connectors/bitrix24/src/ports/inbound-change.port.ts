import { createHash } from 'node:crypto';

/** Where an inbound change was learnt from. */
export type InboundSource = 'webhook' | 'offline' | 'reconcile';

/** A change made in Bitrix24 (by a courier, an operator or a robot) to one of our mapped entities. */
export interface InboundChange {
  /** The registered entity kind. */
  readonly kind: string;
  /** Our id from `xmlId`/`originId`; undefined for an entity created in Bitrix24 that we never wrote. */
  readonly externalId?: string;
  readonly bitrixId: string;
  /** The CRM type, for CRM items. */
  readonly entityTypeId?: number;
  readonly deleted: boolean;
  /** Our field names (mapped back through the mapping file), as the portal holds them now. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Our status for the item's stage, when the stage is mapped. */
  readonly status?: string;
  /** The portal's change time of this state (`updatedTime`/`timestampX`). */
  readonly remoteUpdatedAt?: Date;
  readonly source: InboundSource;
  /**
   * The item's lines as the portal holds them now, in the portal's order (`sort`, then row id): present for a kind
   * registered with `productRows: true` (never for a deleted item), absent otherwise. Read after the item, so a row
   * changed in between shows its newer state.
   */
  readonly productRows?: readonly InboundProductRow[];
}

/**
 * One line of an item (`crm.item.productrow.list`). The portal answers prices and quantities as JSON floats; each
 * becomes the decimal string of that float's shortest round-trip form (`49.9`, `2`, `0.375`), never rounded or
 * computed with, so the domain parses them with ExactDecimal at its own scale and refuses what does not fit.
 */
export interface InboundProductRow {
  /** The row's own id (`id`), stable until the rows are replaced. */
  readonly rowId: string;
  /** The catalog product of the line (`productId`); null for a free-text line (`productId` 0). */
  readonly bitrixProductId: string | null;
  /**
   * Our id of that catalog product, from the connector's links of the kind mapped as `catalog_product`; null when
   * the product was never linked to one of ours (created in the portal, or no catalog kind is mapped).
   */
  readonly productExternalId: string | null;
  /** `productName`: what the line says, which the portal copies from the product when the row is added. */
  readonly productName: string;
  /** `price`: the unit price the customer pays, discount applied, tax as `taxIncluded` says. */
  readonly price: string;
  /** `quantity`, in the row's unit. */
  readonly quantity: string;
  /** `discountSum`: the discount per unit, already taken off `price`. */
  readonly discountSum: string;
  /** `taxRate` in percent (`22`, `10`, `0`); null when the row has no VAT. */
  readonly taxRate: string | null;
  /** `taxIncluded` `Y`: `price` includes the tax. */
  readonly taxIncluded: boolean;
  /** `measureCode`: the unit's OKEI code (`796` piece, `166` kilogram); null when the row has none. */
  readonly measureCode: string | null;
}

/**
 * Port: applies a change that happened in Bitrix24 to the entities of the kinds it owns. Deliveries, instant
 * orders, returns and master data each provide one (a class extending this one, in a module of the worker: the
 * connector finds it at start-up); the connector dispatches every change to the handler owning its kind. Each kind
 * has one owner, and only registered kinds can be owned, or the worker does not start. A change of a kind nobody
 * handles is recorded as unhandled, counted and listed by GET /api/v1/admin/bitrix24/unhandled-changes, never
 * dropped.
 *
 * The connector calls `apply` only for a state newer than the one we hold and never for our own writes coming back.
 * It must be idempotent (the same state may arrive twice, e.g. from a webhook and from the reconcile) and throw an
 * AppError/IntegrationError to steer retries.
 */
export abstract class Bitrix24InboundHandler {
  /** Names of registered entity kinds (`Bitrix24Module.forFeature`) this handler owns. */
  abstract readonly kinds: readonly string[];

  abstract apply(change: InboundChange): Promise<void>;
}

/**
 * Our id for a record a person started in the portal (an item created there, before we adopt it): derived from the
 * kind and the item's id, so every event of the item (a webhook delivered three times, the offline queue, the
 * reconcile) names the same record, even before the adoption lands. A UUID (RFC 9562 version 8, variant 10).
 */
export function portalEntityId(kind: string, bitrixId: string): string {
  const hex = createHash('sha256').update(`${kind}:${bitrixId}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A field of an inbound change as text: the portal returns user fields as strings or numbers; anything else (empty,
 * a list, an object) counts as empty.
 */
export function inboundText(value: unknown): string | undefined {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number'
    ? String(value).trim()
    : undefined;
}
