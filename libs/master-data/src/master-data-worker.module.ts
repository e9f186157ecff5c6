import { EventsModule } from '@app/events';
import { Module } from '@nestjs/common';
import { Bitrix24Sources } from './application/ports/bitrix24-sources.port';
import { ReconcileRuns } from './application/ports/bitrix24-reconcile-runs.port';
import { PropagationService } from './application/propagation.service';
import { ProjectionSettingsReader } from './application/propagation.settings';
import { ReconcileRunsService } from './application/reconcile-runs.service';
import { ReconcileService } from './application/reconcile.service';
import { MasterDataBitrix24Adapters } from './infrastructure/bitrix24-adapters.module';
import { MasterDataInboundHandler } from './infrastructure/bitrix24-inbound.handler';
import { TypeormBitrix24Sources } from './infrastructure/bitrix24-sources.adapter';
import { TypeormReconcileRuns } from './infrastructure/reconcile-runs.typeorm-store';
import { MasterDataPropagationConsumer } from './jobs/propagation.consumer';
import { MasterDataReconcileConsumer } from './jobs/reconcile.consumer';
import { MasterDataReconcileJob } from './jobs/reconcile.job';

/**
 * Master data in the worker: the propagation of mirror changes to Bitrix24, the corrections of Bitrix24 edits of
 * what 1C owns, and the reconcile (on demand and scheduled).
 */
@Module({
  imports: [EventsModule, MasterDataBitrix24Adapters],
  providers: [
    ProjectionSettingsReader,
    PropagationService,
    ReconcileService,
    ReconcileRunsService,
    { provide: Bitrix24Sources, useClass: TypeormBitrix24Sources },
    { provide: ReconcileRuns, useClass: TypeormReconcileRuns },
    MasterDataInboundHandler,
    MasterDataPropagationConsumer,
    MasterDataReconcileConsumer,
    MasterDataReconcileJob,
  ],
})
export class MasterDataWorkerModule {}
