import { CASH_COLLECTED, CASH_DESTINATION, type CashCollectedData } from '@app/cash-documents';
import { ExactDecimal, MONEY_SCALE } from '@app/core';
import { EventPublisher } from '@app/events';
import { ONEC_DESTINATION } from '@app/onec';
import { Injectable } from '@nestjs/common';
import { DeliveryConfirmations } from '../application/ports/delivery-confirmations.port';
import type { Delivery } from '../domain/delivery';
import { cashCalledFor } from '../domain/delivery-lines';
import type { Trip, TripFlags } from '../domain/trip';

export const DELIVERY_EXECUTION_CONFIRMED = 'mastermobile.delivery.execution_confirmed.v1';
export const DELIVERY_COLLISION_RESOLVED = 'mastermobile.delivery.collision_resolved.v1';
export const DELIVERY_TRIP_DISPATCHED = 'mastermobile.delivery_trip.dispatched.v1';
export const DELIVERY_TRIP_CONFIRMED = 'mastermobile.delivery_trip.confirmed.v1';

/**
 * The execution confirmation goes to 1C through the outbox's `onec` destination: pushed to 1C's HTTP service where
 * one is configured (retried with backoff until 1C takes it, the event id as its idempotency key), and served in
 * 1C's pull feed either way. Subject: the delivery, so a correction's confirmation follows the first one in order.
 * The cash the courier took goes to the cash documents with it (a corrected outcome reports its new amount), in the
 * same transaction, so the courier's balance follows every outcome that commits and no other.
 */
@Injectable()
export class OutboxDeliveryConfirmations extends DeliveryConfirmations {
  constructor(private readonly publisher: EventPublisher) {
    super();
  }

  async outcomeReported(delivery: Delivery): Promise<void> {
    const outcome = delivery.outcome!;
    const delivered = new Map(outcome.delivered.map((line) => [line.lineNo, line]));
    await this.publisher.publish({
      destination: ONEC_DESTINATION,
      type: DELIVERY_EXECUTION_CONFIRMED,
      subject: `delivery:${delivery.id}`,
      entityVersion: delivery.version,
      data: {
        deliveryId: delivery.id,
        document: delivery.document,
        status: outcome.status,
        occurredAt: outcome.occurredAt,
        courierId: outcome.courierId,
        items: delivery.items.map((item) => ({
          lineNo: item.lineNo,
          productId: item.productId,
          characteristicId: item.characteristicId,
          shippedQuantity: item.quantity,
          deliveredQuantity: delivered.get(item.lineNo)?.quantity ?? '0.000',
          deliveredAmount: delivered.get(item.lineNo)?.amount ?? '0.00',
        })),
        deliveredAmount: outcome.deliveredAmount,
        cashCollected: outcome.cashCollected,
        failureReason: outcome.failureReason,
        comment: outcome.comment,
        geo: outcome.geo,
      },
    });
    const courierId = outcome.courierId ?? delivery.courierId;
    if (courierId !== null) {
      await this.publisher.publish<CashCollectedData>({
        destination: CASH_DESTINATION,
        type: CASH_COLLECTED,
        subject: `delivery:${delivery.id}`,
        entityVersion: delivery.version,
        data: {
          source: { type: 'delivery', id: delivery.id, number: delivery.document.number },
          courierId,
          amount: outcome.cashCollected,
          expected: cashCalledFor(delivery, ExactDecimal.parse(outcome.deliveredAmount, MONEY_SCALE)).toString(),
          occurredAt: outcome.occurredAt,
          version: delivery.version,
        },
      });
    }
  }

  async collisionResolved(
    delivery: Delivery,
    resolution: {
      readonly collisionId: string;
      readonly field: string;
      readonly decision: string;
      readonly value: unknown;
    },
  ): Promise<void> {
    await this.publisher.publish({
      destination: ONEC_DESTINATION,
      type: DELIVERY_COLLISION_RESOLVED,
      subject: `delivery:${delivery.id}`,
      entityVersion: delivery.version,
      data: { deliveryId: delivery.id, document: delivery.document, status: delivery.status, ...resolution },
    });
  }

  async tripProgressed(trip: Trip, flags: TripFlags): Promise<void> {
    await this.publisher.publish({
      destination: ONEC_DESTINATION,
      type: trip.status === 'closed' ? DELIVERY_TRIP_CONFIRMED : DELIVERY_TRIP_DISPATCHED,
      subject: `delivery_trip:${trip.id}`,
      entityVersion: trip.version,
      data: {
        tripId: trip.id,
        onecId: trip.onecId,
        number: trip.number,
        date: trip.date,
        status: trip.status,
        courierId: trip.courierId,
        actualStart: trip.actualStart?.toISOString() ?? null,
        actualEnd: trip.actualEnd?.toISOString() ?? null,
        ...(trip.status === 'closed' ? { routePoints: flags.points, orders: flags.orders } : {}),
      },
    });
  }
}
