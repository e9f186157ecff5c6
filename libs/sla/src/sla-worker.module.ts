import { Module } from '@nestjs/common';
import { SlaEvaluationConsumer } from './jobs/sla-evaluation.consumer';
import { SlaMonitorJob } from './jobs/sla-monitor.job';
import { SlaModule } from './sla.module';

/** The SLA monitors in the worker: the scheduled evaluation and the evaluations other libs' changes ask for. */
@Module({ imports: [SlaModule], providers: [SlaMonitorJob, SlaEvaluationConsumer] })
export class SlaWorkerModule {}
