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
