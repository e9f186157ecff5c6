import { EventsModule } from '@app/events';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeviationsService } from './application/deviations.service';
import { DeviationStore } from './application/ports/deviation-store.port';
import { SlaEvaluations } from './application/sla-evaluations';
import { SlaMonitor } from './application/sla-monitor';
import { SlaProbes } from './application/sla-probes';
import { DeadLettersProbe } from './infrastructure/dead-letters.probe';
import { DeviationsTraceSource } from './infrastructure/deviations.trace-source';
import { TypeormDeviationStore } from './infrastructure/deviation.typeorm-store';
import { SlaAlertBindings } from './infrastructure/sla-alert-bindings.module';
import { SlaMetrics } from './infrastructure/sla.metrics';
import { SyncLagProbe } from './infrastructure/sync-lag.probe';

/**
 * The SLA monitors and their deviations, for both apps, with the backbone's own probes (dead letters, sync lag).
 * Other libs' probes are found wherever they are provided; `SlaEvaluations` is what those libs inject to ask for an
 * evaluation after a change.
 */
@Module({
  imports: [DiscoveryModule, EventsModule, SlaAlertBindings],
  providers: [
    SlaProbes,
    SlaMonitor,
    SlaEvaluations,
    DeviationsService,
    SlaMetrics,
    DeadLettersProbe,
    SyncLagProbe,
    DeviationsTraceSource,
    { provide: DeviationStore, useClass: TypeormDeviationStore },
  ],
  exports: [SlaMonitor, SlaEvaluations, DeviationsService],
})
export class SlaModule {}
