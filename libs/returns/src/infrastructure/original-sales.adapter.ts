import { AppError, ExactDecimal, type Principal, QUANTITY_SCALE } from '@app/core';
import { DeliveriesService } from '@app/deliveries';
import { InstantOrdersService } from '@app/instant-orders';
import { MasterDataReferences } from '@app/master-data';
import { Injectable } from '@nestjs/common';
import { OriginalSales } from '../application/ports/original-sales.port';
import type { OriginalSale, OriginalSaleRef } from '../domain/return';

/** Reads the original sale as the back office would: any courier's. */
const READER: Principal = { subject: 'returns', roles: ['admin'] };

const notFound = (error: unknown) => error instanceof AppError && error.category === 'not_found';

/**
 * A return's original sale from the module that owns it: what a delivery's customer took (its outcome's delivered
 * lines) or what an instant order 1C posted sold. Names and units of a delivery's goods come from the mirror.
 */
@Injectable()
export class DomainOriginalSales extends OriginalSales {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly orders: InstantOrdersService,
    private readonly masterData: MasterDataReferences,
  ) {
    super();
  }

  async find(ref: OriginalSaleRef): Promise<OriginalSale | { readonly refused: string }> {
    try {
      return ref.kind === 'delivery' ? await this.delivery(ref) : await this.instantOrder(ref);
    } catch (error) {
      if (notFound(error)) {
        return { refused: `no ${ref.kind} ${ref.id}` };
      }
      throw error;
    }
  }

  private async delivery(ref: OriginalSaleRef): Promise<OriginalSale | { readonly refused: string }> {
    const delivery = await this.deliveries.get(ref.id, READER);
    const outcome = delivery.outcome;
    if (!outcome || outcome.status === 'failed' || delivery.courierId === null) {
      return { refused: `delivery ${ref.id} delivered nothing (it is ${delivery.status})` };
    }
    const labels = await this.masterData.productLabels(delivery.items.map((item) => item.productId));
    const delivered = new Map(outcome.delivered.map((line) => [line.lineNo, line]));
    return {
      ...ref,
      courierId: delivery.courierId,
      counterpartyId: delivery.counterpartyId,
      counterpartyName: (await this.masterData.counterpartyName(delivery.counterpartyId)) ?? null,
      warehouseId: delivery.warehouseId,
      lines: delivery.items.flatMap((item) => {
        const taken = delivered.get(item.lineNo);
        if (!taken || ExactDecimal.parse(taken.quantity, QUANTITY_SCALE).isZero()) {
          return [];
        }
        const label = labels.get(item.productId);
        return [
          {
            lineNo: item.lineNo,
            productId: item.productId,
            characteristicId: item.characteristicId,
            name: label?.name ?? item.productId,
            unitCode: label?.unitCode ?? null,
            vatRate: item.vatRate,
            price: item.price,
            soldQuantity: taken.quantity,
            soldAmount: taken.amount,
          },
        ];
      }),
    };
  }

  private async instantOrder(ref: OriginalSaleRef): Promise<OriginalSale | { readonly refused: string }> {
    const order = await this.orders.get(ref.id, READER);
    if (order.status !== 'posted') {
      return { refused: `instant order ${ref.id} is ${order.status}: only a sale 1C posted can be returned` };
    }
    const buyer = order.buyer;
    return {
      ...ref,
      courierId: order.courierId,
      counterpartyId: buyer.kind === 'known' ? buyer.counterpartyId : buyer.draftId,
      counterpartyName: buyer.name ?? null,
      warehouseId: order.warehouseId,
      lines: order.items.map((line) => ({
        lineNo: line.lineNo,
        productId: line.productId,
        characteristicId: line.characteristicId,
        name: line.name,
        unitCode: line.unitCode,
        vatRate: line.vatRate,
        price: line.price,
        soldQuantity: line.quantity,
        soldAmount: line.amount,
      })),
    };
  }
}
