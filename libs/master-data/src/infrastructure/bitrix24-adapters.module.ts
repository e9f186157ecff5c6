import { Bitrix24WorkerModule } from '@app/bitrix24';
import { Module } from '@nestjs/common';
import { Bitrix24Copies } from '../application/ports/bitrix24-copies.port';
import { Bitrix24Users } from '../application/ports/bitrix24-users.port';
import { ConnectorBitrix24Copies } from './bitrix24-copies.adapter';
import { ConnectorBitrix24Users } from './bitrix24-users.adapter';

/** The worker's Bitrix24 copies and users, on the connector's gateways and directories (worker-only ports). */
@Module({
  imports: [Bitrix24WorkerModule],
  providers: [
    { provide: Bitrix24Copies, useClass: ConnectorBitrix24Copies },
    { provide: Bitrix24Users, useClass: ConnectorBitrix24Users },
  ],
  exports: [Bitrix24Copies, Bitrix24Users],
})
export class MasterDataBitrix24Adapters {}
