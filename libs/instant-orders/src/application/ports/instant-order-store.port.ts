import type { InstantOrder } from '../../domain/instant-order';
import type { InstantOrderStatus } from '../../domain/instant-order-status';

export interface InstantOrderListQuery {
  readonly status?: InstantOrderStatus;
  /** A courier's list is always narrowed to its own id. */
  readonly courierId?: string;
  readonly counterpartyId?: string;
  readonly deliveryId?: string;
  readonly soldFrom?: Date;
  readonly soldTo?: Date;
  /** Keyset position: newest first, `(createdAt, id)` below this one. */
  readonly before?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

/** A version of an order 1C took with `sale/success`. */
export interface ExportedRef {
  readonly id: string;
  readonly version: number;
}

/** Port: the instant orders' table. Every method runs in the ambient transaction (`UnitOfWork`). */
export abstract class InstantOrderStore {
  /** `lock`: held until the transaction ends, so concurrent changes of one order queue up instead of racing. */
  abstract byId(id: string, options?: { readonly lock?: boolean }): Promise<InstantOrder | undefined>;

  /** Stores a new order; the store gives it its readable number, returned with it. */
  abstract insert(order: Omit<InstantOrder, 'number'>): Promise<InstantOrder>;

  /** Writes `order` over the row whose version is `order.version - 1`; throws if that row moved on. */
  abstract update(order: InstantOrder): Promise<void>;

  /** Accepted orders waiting for 1C's `sale/query`, oldest change first. */
  abstract waitingForOnec(limit: number): Promise<InstantOrder[]>;

  /** Newest first; `limit + 1` rows when there are more. */
  abstract list(query: InstantOrderListQuery): Promise<InstantOrder[]>;
}
