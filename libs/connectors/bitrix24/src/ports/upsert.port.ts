import type { NewEvent } from '@app/events';
import { BITRIX24_DESTINATION, BITRIX24_UPSERT_REQUESTED } from '../bitrix24.constants';

/** What the domain asks for: our entity, our field names, our status. */
export interface UpsertRequest {
  /** A registered entity kind ({@link Bitrix24EntityKind}) that the connector writes. */
  readonly kind: string;
  /** Our stable id (the 1C GUID or our own UUID); stored on the Bitrix24 side for the no-duplicate lookup. */
  readonly externalId: string;
  /** Our field names, mapped to Bitrix24 codes by the mapping file; fields it does not map are not sent. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Our status, mapped to a stage (smart processes only). */
  readonly status?: string;
  /**
   * The item's lines (smart processes only): written after the item with `crm.item.productrow.set`, which replaces
   * every row the item had, so a repeated upsert leaves the same rows. Absent: the rows are left as they are.
   */
  readonly productRows?: readonly UpsertProductRow[];
  /**
   * Makes an item someone created in the portal ours (CRM items only: `smart_process`, `company`, `contact`): the
   * Bitrix24 id an inbound change without `externalId` carried. The item gets our `externalId` (`xmlId` /
   * `originId`) with the rest of this request in one `crm.item.update`, and the link is saved, so from then on it
   * is as if we had created it: later upserts of `externalId` (with or without this field) update it, and our write
   * coming back as an event is not passed on. Adopting it again is an ordinary update. Permanent errors:
   * `BITRIX24_ADOPT_CONFLICT` when the item already carries or is linked to another external id, or `externalId`
   * is linked to another item; `BITRIX24_NOT_FOUND` when the item is gone.
   */
  readonly adoptBitrixId?: string;
}

/** One line of an item, decimals as strings (the portal parses them; we never hold them as floats). */
export interface UpsertProductRow {
  readonly productName: string;
  readonly price: string;
  readonly quantity: string;
  /** Percent (`22`, `10`, `0`); null without VAT. */
  readonly taxRate: string | null;
  readonly taxIncluded: boolean;
  /** The unit's OKEI code (`796` piece, `166` kilogram); absent: the portal's default. */
  readonly measureCode?: string;
}

export interface UpsertResult {
  readonly kind: string;
  readonly externalId: string;
  readonly bitrixId: string;
  /** True when this call created the entity (or found the one an earlier, unanswered attempt created). */
  readonly created: boolean;
}

/**
 * The outbox event a domain module publishes (with EventPublisher, in the transaction of its change) to have an
 * entity written to Bitrix24 by the worker. One subject per entity keeps its writes in order.
 */
export function bitrix24UpsertEvent(request: UpsertRequest): NewEvent<UpsertRequest> {
  return {
    destination: BITRIX24_DESTINATION,
    type: BITRIX24_UPSERT_REQUESTED,
    subject: `${request.kind}:${request.externalId}`,
    data: request,
  };
}
