import { Module } from '@nestjs/common';
import { PurgeDeviationsJob } from './jobs/purge-deviations.job';
import { SlaEvaluationConsumer } from './jobs/sla-evaluation.consumer';
import { SlaMonitorJob } from './jobs/sla-monitor.job';
import { SlaModule } from './sla.module';

/**
 * The SLA monitors in the worker: the scheduled evaluation, the evaluations other libs' changes ask for, and the
 * retention of resolved deviations.
 */
@Module({ imports: [SlaModule], providers: [SlaMonitorJob, SlaEvaluationConsumer, PurgeDeviationsJob] })
export class SlaWorkerModule {}
