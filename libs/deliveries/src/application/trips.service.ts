import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@app/audit';
import { type FieldError, type Principal, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { canonicalContent, type Delivery, type DeliveryContent, sameContent } from '../domain/delivery';
import { DeliveryErrors } from '../domain/delivery.errors';
import { checkTrip, laterStatus, sameHeader, type Trip, type TripHeader, type TripOrder } from '../domain/trip';
import { DeliveriesService, type PlacedDelivery } from './deliveries.service';
import { DeliveryStore } from './ports/delivery-store.port';
import { ReferenceCheck, unusableMessage } from './ports/reference-check.port';
import { TripStore } from './ports/trip-store.port';
import { TripTracker } from './trip-tracker';

/** An order of the trip as 1C sends it: its stop, and the delivery task of its document. */
export interface TripOrderContent {
  readonly routePointKey: string;
  /** Its courier is the trip's: left out (null) or the same. */
  readonly delivery: DeliveryContent;
}

export interface TripWithDeliveries {
  readonly trip: Trip;
  readonly deliveries: readonly Delivery[];
}

export interface TripUpsert extends TripWithDeliveries {
  readonly created: boolean;
  /** What the send did to each order's delivery, in the order 1C listed them. */
  readonly placed: readonly PlacedDelivery[];
}

const tripState = (trip: Trip) => ({
  status: trip.status,
  courierId: trip.courierId,
  orders: trip.orders.map((order) => order.documentOnecId),
  version: trip.version,
});

/**
 * 1C's trips («Задание на перевозку»): a trip and the deliveries of its orders are written in one transaction, so
 * 1C never sees a trip without its deliveries or deliveries pointing at a trip that was not stored. The trip's
 * status is then the middleware's (see TripTracker).
 */
@Injectable()
export class TripsService {
  constructor(
    private readonly trips: TripStore,
    private readonly deliveryStore: DeliveryStore,
    private readonly deliveries: DeliveriesService,
    private readonly references: ReferenceCheck,
    private readonly tracker: TripTracker,
    private readonly audit: AuditTrail,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /**
   * Creates or changes the trip of a 1C id with the deliveries of its orders. The same trip again changes nothing;
   * a delivery already on its way keeps its content and 1C's change waits as a collision, as a PUT's would. A closed
   * trip answers the same send as it is and refuses a changed one.
   */
  async upsert(header: TripHeader, orders: readonly TripOrderContent[], principal: Principal): Promise<TripUpsert> {
    const contents = orders.map((order) => canonicalContent({ ...order.delivery, courierId: header.courierId }));
    await this.validate(header, orders, contents);
    return this.unitOfWork.run(async () => {
      // Before any delivery is locked: see TripStore.lockOnecId.
      await this.trips.lockOnecId(header.onecId);
      const existing = await this.trips.byOnecId(header.onecId);
      const sent = orders.map((order, index) => ({
        routePointKey: order.routePointKey,
        documentOnecId: contents[index].document.onecId,
      }));
      if (existing?.status === 'closed') {
        return this.closedAgain(existing, header, sent, contents);
      }
      const placed = await this.place(contents, principal);
      const tripOrders: TripOrder[] = sent.map((order, index) => ({ ...order, deliveryId: placed[index].delivery.id }));
      const now = new Date();
      const who = { actor: principal.subject, actorRole: '1c' };
      let trip: Trip;
      if (!existing) {
        trip = {
          ...header,
          id: randomUUID(),
          actualStart: null,
          actualEnd: null,
          orders: tripOrders,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        await this.trips.insert(trip);
        await this.record(trip, 'created', who, null);
      } else if (!sameHeader(existing, header, tripOrders)) {
        trip = {
          ...existing,
          ...header,
          status: laterStatus(existing.status, header.status),
          orders: tripOrders,
          version: existing.version + 1,
          updatedAt: now,
        };
        await this.trips.update(trip);
        await this.record(trip, 'updated', who, existing);
      } else {
        trip = existing;
      }
      await this.deliveryStore.assignTrip(
        trip.id,
        tripOrders.map((order) => order.deliveryId),
      );
      // Orders already on their way (or ended) move a new trip on at once.
      trip = (await this.tracker.follow(trip.id)) ?? trip;
      return { trip, created: !existing, placed, deliveries: await this.deliveryStore.byTrip(trip.id) };
    });
  }

  /** A courier sees its own trips only: another's is 404. */
  async get(id: string, principal: Principal): Promise<TripWithDeliveries> {
    return this.unitOfWork.run(async () => {
      const trip = await this.trips.byId(id);
      const isCourier = !principal.roles.includes('admin') && !principal.roles.includes('1c');
      if (!trip || (isCourier && trip.courierId !== principal.courierId)) {
        throw DeliveryErrors.tripNotFound(id);
      }
      return { trip, deliveries: await this.deliveryStore.byTrip(trip.id) };
    });
  }

  /** Locks the deliveries in one order (by 1C document), so two trips sharing a document cannot deadlock. */
  private async place(contents: readonly DeliveryContent[], principal: Principal): Promise<PlacedDelivery[]> {
    const placed: PlacedDelivery[] = new Array<PlacedDelivery>(contents.length);
    const byDocument = [...contents.keys()].sort((left, right) =>
      contents[left].document.onecId < contents[right].document.onecId ? -1 : 1,
    );
    for (const index of byDocument) {
      placed[index] = await this.deliveries.placeForTrip(contents[index], principal);
    }
    return placed;
  }

  private async closedAgain(
    trip: Trip,
    header: TripHeader,
    sent: readonly Omit<TripOrder, 'deliveryId'>[],
    contents: readonly DeliveryContent[],
  ): Promise<TripUpsert> {
    const carried = await this.deliveryStore.byTrip(trip.id);
    const byDocument = new Map(carried.map((delivery) => [delivery.document.onecId, delivery]));
    const unchanged =
      sameHeader(trip, header, sent) &&
      contents.every((content) => {
        const delivery = byDocument.get(content.document.onecId);
        return delivery !== undefined && sameContent(delivery, content);
      });
    if (!unchanged) {
      throw DeliveryErrors.tripClosed(trip.id);
    }
    return {
      trip,
      created: false,
      placed: contents.map((content) => ({ delivery: byDocument.get(content.document.onecId)!, change: 'unchanged' })),
      deliveries: carried,
    };
  }

  /** The trip's shape, its courier and warehouse, and every order's delivery as POST /deliveries checks it. */
  private async validate(
    header: TripHeader,
    orders: readonly TripOrderContent[],
    contents: readonly DeliveryContent[],
  ): Promise<void> {
    const errors: FieldError[] = checkTrip(
      header,
      orders.map((order) => ({
        routePointKey: order.routePointKey,
        documentOnecId: order.delivery.document.onecId,
        courierId: order.delivery.courierId,
      })),
    ).map((violation) => ({ path: violation.path, message: violation.reason }));
    const unusable = await this.references.unusable([
      { kind: 'couriers', onecId: header.courierId, path: 'courierId' },
      { kind: 'warehouses', onecId: header.warehouseId, path: 'warehouseId' },
    ]);
    for (const reference of unusable) {
      errors.push({ path: reference.path, message: unusableMessage(reference) });
    }
    for (const [index, content] of contents.entries()) {
      for (const problem of await this.deliveries.problems(content)) {
        // The orders carry the trip's courier: a broken one is named once, at the trip.
        if (problem.path !== 'courierId') {
          errors.push({ path: `orders.${index}.delivery.${problem.path}`, message: problem.message });
        }
      }
    }
    if (errors.length > 0) {
      throw DeliveryErrors.invalidTrip(errors);
    }
  }

  private async record(
    trip: Trip,
    action: string,
    who: { actor: string; actorRole: string },
    before: Trip | null,
  ): Promise<void> {
    await this.audit.record({
      domain: 'deliveries',
      entityType: 'delivery_trip',
      entityId: trip.id,
      action,
      source: '1c',
      ...who,
      before: before ? tripState(before) : null,
      after: tripState(trip),
      details: {},
    });
  }
}
