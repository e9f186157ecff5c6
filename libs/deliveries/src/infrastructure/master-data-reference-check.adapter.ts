import { MasterDataReferences } from '@app/master-data';
import { Injectable } from '@nestjs/common';
import { type DeliveryReference, ReferenceCheck } from '../application/ports/reference-check.port';

/** Deliveries validate against master data's mirror through its public references check. */
@Injectable()
export class MasterDataReferenceCheck extends ReferenceCheck {
  constructor(private readonly masterData: MasterDataReferences) {
    super();
  }

  async unusable(references: readonly DeliveryReference[]): Promise<DeliveryReference[]> {
    const unusable = await this.masterData.unusable(references);
    return references.filter((reference) => unusable.includes(reference));
  }
}
