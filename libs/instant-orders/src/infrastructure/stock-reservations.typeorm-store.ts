import { AppConfig, ExactDecimal, QUANTITY_SCALE, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { type StockClaim, StockReservations } from '../application/ports/stock-reservations.port';

@Injectable()
export class TypeormStockReservations extends StockReservations {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async reserve(orderId: string, warehouseId: string, claims: readonly StockClaim[]): Promise<StockClaim[]> {
    const manager = this.unitOfWork.manager;
    const offers = claims.map((claim) => claim.offerId);
    // One lock per warehouse and offer, taken in one order by every order, so two orders never wait on each other
    // in a cycle; held to the end of the transaction, so the second of two orders sees the first's reservation.
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('instant-order-stock|' || $1 || '|' || offer, 0))
         FROM unnest($2::text[]) WITH ORDINALITY AS o(offer, n) ORDER BY n`,
      [warehouseId, [...offers].sort()],
    );
    const held = await manager.query<{ offer_id: string; held: string }[]>(
      `SELECT r.offer_id, sum(r.quantity)::text AS held
         FROM instant_order_reservations r
         JOIN unnest($2::text[], $3::timestamptz[]) AS c(offer_id, stock_changed_at) ON c.offer_id = r.offer_id
        WHERE r.warehouse_id = $1 AND r.released_at IS NULL AND r.order_id <> $4
          AND (r.settled_at IS NULL
               OR (r.settled_at > now() - $5::bigint * interval '1 millisecond'
                   AND (c.stock_changed_at IS NULL OR r.settled_at > c.stock_changed_at)))
        GROUP BY r.offer_id`,
      [
        warehouseId,
        offers,
        claims.map((claim) => claim.stockChangedAt),
        orderId,
        this.config.instantOrders.postedStockHoldMs,
      ],
    );
    const heldBy = new Map(held.map((row) => [row.offer_id, ExactDecimal.parse(row.held, QUANTITY_SCALE)]));
    const short = claims.filter((claim) => {
      const stock =
        claim.stock === null ? ExactDecimal.zero(QUANTITY_SCALE) : ExactDecimal.parse(claim.stock, QUANTITY_SCALE);
      const available = stock.minus(heldBy.get(claim.offerId) ?? ExactDecimal.zero(QUANTITY_SCALE));
      return ExactDecimal.parse(claim.quantity, QUANTITY_SCALE).compare(available) > 0;
    });
    if (short.length === 0) {
      await manager.query(
        `INSERT INTO instant_order_reservations (order_id, offer_id, warehouse_id, quantity)
         SELECT $1, offer_id, $2, quantity FROM unnest($3::text[], $4::numeric[]) AS c(offer_id, quantity)
         ON CONFLICT (order_id, offer_id) DO UPDATE
            SET warehouse_id = EXCLUDED.warehouse_id, quantity = EXCLUDED.quantity, released_at = NULL, settled_at = NULL`,
        [orderId, warehouseId, offers, claims.map((claim) => claim.quantity)],
      );
    }
    return short;
  }

  async release(orderId: string): Promise<void> {
    await this.unitOfWork.manager.query(
      'UPDATE instant_order_reservations SET released_at = now() WHERE order_id = $1 AND released_at IS NULL',
      [orderId],
    );
  }

  async settle(orderId: string): Promise<void> {
    await this.unitOfWork.manager.query(
      'UPDATE instant_order_reservations SET settled_at = now() WHERE order_id = $1 AND released_at IS NULL',
      [orderId],
    );
  }
}
