import { canonicalJson } from '@app/core';
/**
 * A courier's run, as УТ 11's «Задание на перевозку»: 1C's statuses `Формируется → КПогрузке → Отправлено → Закрыто`
 * as `forming → loading → dispatched → closed`. The middleware moves it on from its deliveries: dispatched when the
 * courier sets out with the first of them, closed when every one has ended.
 */
export const TRIP_STATUSES = ['forming', 'loading', 'dispatched', 'closed'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];

import { type DeliveryStatus, isTerminal } from './delivery-status';
import type { Violation } from './delivery-lines';

/** A stop of the route (`Маршрут`): one address, its window, and whether it was delivered (`Доставлено`). */
export interface RoutePoint {
  /** 1C's `КлючСвязи`: ties the orders to their stop. */
  readonly key: string;
  readonly address: string;
  /** RFC 3339 times, as normalised on the way in. */
  readonly windowFrom: string | null;
  readonly windowTo: string | null;
}

/** An order the run carries (`Распоряжения`), by its 1C document, and the delivery it became. */
export interface TripOrder {
  readonly routePointKey: string;
  readonly documentOnecId: string;
  readonly deliveryId: string;
}

/** What 1C sends of a trip, besides the deliveries of its orders. 1C never closes a trip: the middleware does. */
export interface TripHeader {
  readonly onecId: string;
  readonly number: string;
  readonly date: string;
  readonly status: Exclude<TripStatus, 'closed'>;
  readonly courierId: string;
  readonly vehicle: string | null;
  readonly warehouseId: string;
  readonly plannedStart: Date | null;
  readonly plannedEnd: Date | null;
  readonly routePoints: readonly RoutePoint[];
}

export interface Trip extends Omit<TripHeader, 'status'> {
  readonly id: string;
  /** 1C's status when it sent the trip; ours once it moves on. */
  readonly status: TripStatus;
  readonly actualStart: Date | null;
  readonly actualEnd: Date | null;
  readonly orders: readonly TripOrder[];
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Whether 1C's trip says anything the stored one does not (the orders are compared with the deliveries). */
export function sameHeader(trip: Trip, header: TripHeader, orders: readonly Omit<TripOrder, 'deliveryId'>[]): boolean {
  const comparable = (value: Omit<TripHeader, 'status'>, its: readonly Omit<TripOrder, 'deliveryId'>[]) =>
    // jsonb keeps its own key order: compared canonically.
    canonicalJson([
      value.number,
      value.date,
      value.courierId,
      value.vehicle,
      value.warehouseId,
      value.plannedStart?.toISOString() ?? null,
      value.plannedEnd?.toISOString() ?? null,
      value.routePoints,
      its.map((order) => [order.routePointKey, order.documentOnecId]),
    ]);
  return (
    comparable(trip, trip.orders) === comparable(header, orders) &&
    TRIP_STATUSES.indexOf(trip.status) >= TRIP_STATUSES.indexOf(header.status)
  );
}

/** The later of two statuses: 1C may move a trip on (forming → loading), never back, and never past the middleware. */
export function laterStatus(left: TripStatus, right: TripStatus): TripStatus {
  return TRIP_STATUSES.indexOf(left) >= TRIP_STATUSES.indexOf(right) ? left : right;
}

/**
 * The rules a trip's own shape must keep, all broken ones at once: unique stop keys, every order at a known stop,
 * each 1C document once, the planned end not before the start, and every order carried by the trip's courier.
 */
export function checkTrip(
  header: TripHeader,
  orders: readonly {
    readonly routePointKey: string;
    readonly documentOnecId: string;
    readonly courierId: string | null;
  }[],
): Violation[] {
  const violations: Violation[] = [];
  const keys = new Set<string>();
  header.routePoints.forEach((point, index) => {
    if (keys.has(point.key)) {
      violations.push({
        path: `routePoints.${index}.key`,
        code: 'DUPLICATE',
        reason: `stop ${point.key} is listed twice`,
      });
    }
    keys.add(point.key);
  });
  if (header.plannedStart && header.plannedEnd && header.plannedEnd < header.plannedStart) {
    violations.push({
      path: 'plannedEnd',
      code: 'BEFORE_START',
      reason: 'the planned end is before the planned start',
    });
  }
  const documents = new Set<string>();
  orders.forEach((order, index) => {
    if (!keys.has(order.routePointKey)) {
      violations.push({
        path: `orders.${index}.routePointKey`,
        code: 'UNKNOWN_STOP',
        reason: `no route point has the key ${order.routePointKey}`,
      });
    }
    if (documents.has(order.documentOnecId)) {
      violations.push({
        path: `orders.${index}.delivery.document.onecId`,
        code: 'DUPLICATE',
        reason: `1C document ${order.documentOnecId} is carried twice`,
      });
    }
    documents.add(order.documentOnecId);
    if (order.courierId !== null && order.courierId !== header.courierId) {
      violations.push({
        path: `orders.${index}.delivery.courierId`,
        code: 'NOT_THE_TRIP_COURIER',
        reason: "an order of a trip goes with the trip's courier: leave it out or send the same one",
      });
    }
  });
  return violations;
}

/** What of a delivery moves a trip on. */
export interface CarriedDelivery {
  readonly id: string;
  readonly status: DeliveryStatus;
  readonly outcome: { readonly status: DeliveryStatus; readonly occurredAt: string } | null;
}

/**
 * Where its deliveries put a trip: dispatched (and its actual start) once the courier sets out with the first of
 * them; closed once every one has ended, its actual end the latest outcome's time at the door (or now, when all were
 * cancelled). A closed trip stays closed; a start or an end once known is kept.
 */
export function progressOf(
  trip: Pick<Trip, 'status' | 'actualStart' | 'actualEnd'>,
  deliveries: readonly CarriedDelivery[],
  now: Date,
): Pick<Trip, 'status' | 'actualStart' | 'actualEnd'> {
  if (trip.status === 'closed') {
    return trip;
  }
  const started = deliveries.some((delivery) => delivery.status === 'in_transit' || delivery.outcome !== null);
  const ended = deliveries.length > 0 && deliveries.every((delivery) => isTerminal(delivery.status));
  const actualStart = trip.actualStart ?? (started ? now : null);
  if (ended) {
    const lastAtTheDoor = deliveries
      .map((delivery) => delivery.outcome?.occurredAt)
      .filter((time): time is string => time !== undefined)
      .sort()
      .at(-1);
    return { status: 'closed', actualStart, actualEnd: lastAtTheDoor ? new Date(lastAtTheDoor) : now };
  }
  return { status: started ? laterStatus(trip.status, 'dispatched') : trip.status, actualStart, actualEnd: null };
}

/** 1C's `Доставлено` flags: an order when delivered in full or in part (a closed one by its outcome, never a cancelled
 * one); a stop when every order of it is, never a stop without orders. */
export function deliveredFlags(
  trip: Pick<Trip, 'routePoints' | 'orders'>,
  deliveries: readonly CarriedDelivery[],
): TripFlags {
  const byId = new Map(deliveries.map((delivery) => [delivery.id, delivery]));
  const isDelivered = (delivery: CarriedDelivery | undefined) =>
    delivery !== undefined &&
    delivery.status !== 'cancelled' &&
    (delivery.outcome?.status === 'delivered' || delivery.outcome?.status === 'partially_delivered');
  const orders = trip.orders.map((order) => {
    const delivery = byId.get(order.deliveryId);
    return {
      documentOnecId: order.documentOnecId,
      deliveryId: order.deliveryId,
      status: delivery?.status ?? 'cancelled',
      delivered: isDelivered(delivery),
    };
  });
  const points = trip.routePoints.map((point) => {
    const own = orders.filter((_, index) => trip.orders[index].routePointKey === point.key);
    return { key: point.key, delivered: own.length > 0 && own.every((order) => order.delivered) };
  });
  return { points, orders };
}

export interface TripFlags {
  readonly points: readonly { readonly key: string; readonly delivered: boolean }[];
  readonly orders: readonly {
    readonly documentOnecId: string;
    readonly deliveryId: string;
    readonly status: DeliveryStatus;
    readonly delivered: boolean;
  }[];
}
