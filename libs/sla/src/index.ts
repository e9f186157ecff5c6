// Registers the lib's configuration section (`config.sla`) with core's loader before anything loads it.
import './sla.config';

// The SLA lib's public surface: the rules it watches and the port a lib implements to check one, what a lib calls
// to have rules evaluated after a change, its modules for the apps, and its entities.
export * from './application/ports/sla-probe.port';
export { SlaEvaluations, SLA_DESTINATION, SLA_EVALUATION_REQUESTED } from './application/sla-evaluations';
export { SlaMonitor, type RuleEvaluation, type SlaEvaluation } from './application/sla-monitor';
export { elapsed, thresholdCutoff, type DurationUnit } from './domain/durations';
export * from './sla.module';
export * from './sla-api.module';
export * from './sla-worker.module';
// Its recurring jobs, for the worker's list (apps/worker/src/recurring-jobs.ts).
export { SlaMonitorJob } from './jobs/sla-monitor.job';
export { PurgeDeviationsJob } from './jobs/purge-deviations.job';

import { DeviationEntity } from './infrastructure/deviation.entity';

/** Entities owned by the SLA lib; migrations/schema.ts lists every lib's. */
export const SLA_ENTITIES = [DeviationEntity];
