import type { EntityKind } from '../mapping/bitrix24-mapping';

/** Where an inbound change was learnt from. */
export type InboundSource = 'webhook' | 'offline' | 'reconcile';

/** A change made in Bitrix24 (by a courier, an operator or a robot) to one of our mapped entities. */
export interface InboundChange {
  readonly kind: EntityKind;
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
}

/**
 * Port, implemented by the domain modules that own the entities (deliveries, instant orders, returns, master
 * data): apply a change that happened in Bitrix24. The connector calls it only for a state newer than the one we
 * hold and never for our own writes coming back. It must be idempotent (the same state may arrive twice, e.g. from
 * a webhook and from the reconcile) and throw an AppError/IntegrationError to steer retries.
 */
export abstract class Bitrix24InboundPort {
  abstract apply(change: InboundChange): Promise<void>;
}
