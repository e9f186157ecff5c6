import type { OriginalSaleRef, Return } from '../../domain/return';
import type { ReturnedSoFar } from '../../domain/return-lines';
import type { ReturnStatus } from '../../domain/return-status';

export interface ReturnListQuery {
  readonly status?: ReturnStatus;
  /** A courier's list is always narrowed to its own id. */
  readonly courierId?: string;
  readonly counterpartyId?: string;
  readonly sale?: OriginalSaleRef;
  readonly createdFrom?: Date;
  readonly createdTo?: Date;
  /** Keyset position: newest first, `(createdAt, id)` below this one. */
  readonly before?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

/** Port: the returns' table. Every method runs in the ambient transaction (`UnitOfWork`). */
export abstract class ReturnStore {
  /** `lock`: held until the transaction ends, so concurrent changes of one return queue up instead of racing. */
  abstract byId(id: string, options?: { readonly lock?: boolean }): Promise<Return | undefined>;

  /**
   * Serialises the returns of one sale until the transaction ends: two concurrent partial returns see each other,
   * so together they cannot take back more than was sold.
   */
  abstract lockSale(sale: OriginalSaleRef): Promise<void>;

  /** Per line of the sale, what its returns that still count (not rejected) take back. */
  abstract returnedSoFar(sale: OriginalSaleRef): Promise<Map<number, ReturnedSoFar>>;

  /** Stores a new return; the store gives it its readable number, returned with it. */
  abstract insert(entry: Omit<Return, 'number'>): Promise<Return>;

  /** Writes `entry` over the row whose version is `entry.version - 1`; throws if that row moved on. */
  abstract update(entry: Return): Promise<void>;

  /** Received returns whose current version 1C has not confirmed, oldest change first. */
  abstract waitingForOnec(limit: number): Promise<Return[]>;

  /** Newest first; `limit + 1` rows when there are more. */
  abstract list(query: ReturnListQuery): Promise<Return[]>;
}
