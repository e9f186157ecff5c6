import { EventsModule } from '@app/events';
import { Module } from '@nestjs/common';
import { ReconcileRuns } from './application/ports/bitrix24-reconcile-runs.port';
import { ReconcileRunsService } from './application/reconcile-runs.service';
import { ReconcileController } from './http/reconcile.controller';
import { MasterDataInboundHandler } from './infrastructure/bitrix24-inbound.handler';
import { TypeormReconcileRuns } from './infrastructure/reconcile-runs.typeorm-store';

/**
 * Master data's Bitrix24 side in the API: the admin reconcile routes (runs are carried out by the worker), and the
 * inbound handler, which the API only reports as the owner of the product, company and contact kinds.
 */
@Module({
  imports: [EventsModule],
  controllers: [ReconcileController],
  providers: [
    ReconcileRunsService,
    { provide: ReconcileRuns, useClass: TypeormReconcileRuns },
    MasterDataInboundHandler,
  ],
})
export class ReconcileApiModule {}
