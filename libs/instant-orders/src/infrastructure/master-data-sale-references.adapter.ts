import { AppError } from '@app/core';
import { DeliveriesService } from '@app/deliveries';
import { MasterDataReferences } from '@app/master-data';
import { Injectable } from '@nestjs/common';
import { type OfferTerms, type OrderReference, SaleReferences } from '../application/ports/sale-references.port';

/** Instant orders check their sales against master data's mirror and the courier's deliveries. */
@Injectable()
export class MasterDataSaleReferences extends SaleReferences {
  constructor(
    private readonly masterData: MasterDataReferences,
    private readonly deliveries: DeliveriesService,
  ) {
    super();
  }

  courierWarehouse(courierId: string): Promise<{ readonly warehouseId: string | null } | undefined> {
    return this.masterData.courier(courierId);
  }

  counterpartyName(counterpartyId: string): Promise<string | undefined> {
    return this.masterData.counterpartyName(counterpartyId);
  }

  async unusable(references: readonly OrderReference[]): Promise<OrderReference[]> {
    const unusable = await this.masterData.unusable(references);
    return references.filter((reference) => unusable.includes(reference));
  }

  offerTerms(
    offerIds: readonly string[],
    priceTypeId: string,
    warehouseId: string,
  ): Promise<ReadonlyMap<string, OfferTerms>> {
    return this.masterData.saleTerms(offerIds, priceTypeId, warehouseId);
  }

  async isCouriersDelivery(deliveryId: string, courierId: string): Promise<boolean> {
    try {
      // As the courier itself: another courier's delivery is not found, as it would be for the courier.
      await this.deliveries.get(deliveryId, { subject: `courier:${courierId}`, roles: ['courier'], courierId });
      return true;
    } catch (error) {
      if (error instanceof AppError && error.category === 'not_found') {
        return false;
      }
      throw error;
    }
  }
}
