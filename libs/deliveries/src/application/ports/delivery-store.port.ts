import type { Delivery } from '../../domain/delivery';
import type { DeliveryStatus } from '../../domain/delivery-status';

export interface DeliveryListQuery {
  readonly status?: DeliveryStatus;
  /** A courier's list is always narrowed to its own id. */
  readonly courierId?: string;
  readonly createdFrom?: Date;
  readonly createdTo?: Date;
  readonly counterpartyId?: string;
  readonly onecDocumentId?: string;
  /** Only outcomes 1C has not acknowledged, reported (or last corrected) before this: overdue ones. */
  readonly unacknowledgedBefore?: Date;
  /** Keyset position: newest first, `(createdAt, id)` below this one. */
  readonly before?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

/** An outcome 1C has not acknowledged: which delivery, whose, and since when it waits. */
export interface UnacknowledgedOutcome {
  readonly id: string;
  readonly documentNumber: string;
  readonly courierId: string | null;
  /** When the outcome was reported (or last corrected). */
  readonly reportedAt: Date;
}

/** Port: the deliveries' table. Every method runs in the ambient transaction (`UnitOfWork`). */
export abstract class DeliveryStore {
  /** `lock`: held until the transaction ends, so concurrent changes of one delivery queue up instead of racing. */
  abstract byId(id: string, options?: { readonly lock?: boolean }): Promise<Delivery | undefined>;

  abstract byDocument(onecDocumentId: string): Promise<Delivery | undefined>;

  /** The deliveries a trip carries. */
  abstract byTrip(tripId: string): Promise<Delivery[]>;

  /** Ties these deliveries to a trip (the ones it no longer carries are let go). */
  abstract assignTrip(tripId: string, deliveryIds: readonly string[]): Promise<void>;

  /** `document_taken`: another delivery holds the 1C document (a concurrent create of the same one). */
  abstract insert(delivery: Delivery): Promise<'inserted' | 'document_taken'>;

  /**
   * Writes `delivery` over the row whose version is `delivery.version - 1`; throws if that row moved on. `previous` is
   * that row as read under its lock: only what differs from it is written.
   */
  abstract update(delivery: Delivery, previous: Delivery): Promise<void>;

  /**
   * Outcomes 1C has not acknowledged whose confirmation is due again: last sent `baseMs` × 2^(sent − 1) ago or more
   * (at most `capMs`), locked and skipped by a concurrent run, oldest first.
   */
  abstract dueForResend(baseMs: number, capMs: number, limit: number): Promise<Delivery[]>;

  /** A confirmation sent again: when, and one more; the delivery itself does not change. */
  abstract markConfirmationSent(id: string): Promise<void>;

  /** Outcomes not acknowledged yet: all, and those reported (or last corrected) before `overdueBefore`. */
  abstract unacknowledgedCounts(overdueBefore: Date): Promise<{ readonly all: number; readonly overdue: number }>;

  /** Outcomes not acknowledged yet, reported (or last corrected) before `reportedBefore`, oldest first. */
  abstract unacknowledged(reportedBefore: Date): Promise<UnacknowledgedOutcome[]>;

  /** Newest first; `limit + 1` rows when there are more. */
  abstract list(query: DeliveryListQuery): Promise<Delivery[]>;
}
