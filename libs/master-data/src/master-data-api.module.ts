import { Module } from '@nestjs/common';
import { MasterDataService } from './application/master-data.service';
import { MasterDataController } from './http/master-data.controller';

/** The mirror's HTTP API, in the API app only (the mirror itself comes from the global MasterDataModule). */
@Module({
  controllers: [MasterDataController],
  providers: [MasterDataService],
})
export class MasterDataApiModule {}
