import { MasterDataReferences } from '@app/master-data';
import { Injectable } from '@nestjs/common';
import { type CourierCashProfile, CourierProfiles } from '../application/ports/courier-profiles.port';

/** The couriers as 1C sent them to the mirror: a courier 1C marked deleted is no longer one. */
@Injectable()
export class MasterDataCourierProfiles extends CourierProfiles {
  constructor(private readonly references: MasterDataReferences) {
    super();
  }

  async profile(courierId: string): Promise<CourierCashProfile | undefined> {
    const courier = await this.references.courier(courierId);
    return courier ? { name: courier.name, cashDeskId: courier.cashDeskId } : undefined;
  }
}
