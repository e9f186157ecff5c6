import { CourierDirectory } from '@app/bitrix24';
import { Injectable } from '@nestjs/common';
import { Bitrix24Users } from '../application/ports/bitrix24-users.port';

/** Couriers' portal users through the connector's directory (the kind mapped as `user`, `courier` here). */
@Injectable()
export class ConnectorBitrix24Users extends Bitrix24Users {
  constructor(private readonly directory: CourierDirectory) {
    super();
  }

  async userOfCourier(onecId: string): Promise<string | undefined> {
    return (await this.directory.findByExternalId(onecId))?.bitrixUserId;
  }
}
