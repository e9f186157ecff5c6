import { AuditTrailPartitionsJob } from '@app/audit';
import { Bitrix24OfflineDrainJob, Bitrix24ReconcileJob } from '@app/bitrix24';
import {
  AdminAuditLogPartitionsJob,
  HeartbeatJob,
  IntegrationLogPartitionsJob,
  PurgeIdempotencyKeysJob,
  type RecurringJob,
} from '@app/core';
import { DeliveriesConfirmationResendJob } from '@app/deliveries';
import { PurgeEventsJob, ReconcileDispatchedEventsJob } from '@app/events';
import { MasterDataReconcileJob } from '@app/master-data';
import { ExchangeJanitor, PurgeExchangeSessionsJob } from '@app/onec';
import { PurgeDeviationsJob, SlaMonitorJob } from '@app/sla';
import type { Type } from '@nestjs/common';

/** The domain libs' jobs: a worker started without the domain libs (the connectors' suites) runs none of them. */
export const DOMAIN_RECURRING_JOBS: readonly Type<RecurringJob>[] = [
  AuditTrailPartitionsJob,
  MasterDataReconcileJob,
  DeliveriesConfirmationResendJob,
  SlaMonitorJob,
  PurgeDeviationsJob,
];

/**
 * Every recurring job the worker runs: one BullMQ job scheduler each, one run at a time across replicas. Each lib
 * provides its jobs in its worker module; docs/operations.md ("Recurring jobs") says what each does and what
 * happens if it stops. The worker refuses to start with a job provided but missing here.
 */
export const RECURRING_JOBS: readonly Type<RecurringJob>[] = [
  // core
  HeartbeatJob,
  PurgeIdempotencyKeysJob,
  IntegrationLogPartitionsJob,
  AdminAuditLogPartitionsJob,
  // events
  ReconcileDispatchedEventsJob,
  PurgeEventsJob,
  // Bitrix24 connector (one of the two runs, by BITRIX24_AUTH_MODE)
  Bitrix24OfflineDrainJob,
  Bitrix24ReconcileJob,
  // 1C connector
  ExchangeJanitor,
  PurgeExchangeSessionsJob,
  // domain libs
  ...DOMAIN_RECURRING_JOBS,
];
