/**
 * A courier's run, as УТ 11's «Задание на перевозку»: 1C's statuses `Формируется → КПогрузке → Отправлено → Закрыто`
 * as `forming → loading → dispatched → closed`. The middleware moves it on from its deliveries: dispatched when the
 * courier sets out with the first of them, closed when every one has ended.
 */
export const TRIP_STATUSES = ['forming', 'loading', 'dispatched', 'closed'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];

/** A stop of the route (`Маршрут`): one address, its window, and whether it was delivered (`Доставлено`). */
export interface RoutePoint {
  /** 1C's `КлючСвязи`: ties the orders to their stop. */
  readonly key: string;
  readonly address: string;
  readonly windowFrom: string | null;
  readonly windowTo: string | null;
}

/** An order the run carries (`Распоряжения`), by its 1C document, and the delivery it became. */
export interface TripOrder {
  readonly routePointKey: string;
  readonly documentOnecId: string;
  readonly deliveryId: string;
}

export interface Trip {
  readonly id: string;
  readonly onecId: string;
  readonly number: string;
  readonly date: string;
  /** 1C's status when it sent the trip; ours once it moves on. */
  readonly status: TripStatus;
  readonly courierId: string;
  readonly vehicle: string | null;
  readonly warehouseId: string;
  readonly plannedStart: Date | null;
  readonly plannedEnd: Date | null;
  readonly actualStart: Date | null;
  readonly actualEnd: Date | null;
  readonly routePoints: readonly RoutePoint[];
  readonly orders: readonly TripOrder[];
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The delivered flags 1C keeps per order and per stop: an order is delivered in full or in part; a stop when all are. */
export function deliveredFlags(
  trip: Pick<Trip, 'routePoints' | 'orders'>,
  deliveredIds: ReadonlySet<string>,
): { points: { key: string; delivered: boolean }[]; orders: { documentOnecId: string; delivered: boolean }[] } {
  const orders = trip.orders.map((order) => ({
    documentOnecId: order.documentOnecId,
    delivered: deliveredIds.has(order.deliveryId),
  }));
  const points = trip.routePoints.map((point) => {
    const own = trip.orders.filter((order) => order.routePointKey === point.key);
    return { key: point.key, delivered: own.length > 0 && own.every((order) => deliveredIds.has(order.deliveryId)) };
  });
  return { points, orders };
}
