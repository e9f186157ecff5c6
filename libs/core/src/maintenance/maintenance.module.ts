import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  AdminAuditLogPartitionsJob,
  HeartbeatJob,
  IntegrationLogPartitionsJob,
  PurgeIdempotencyKeysJob,
} from './core-jobs';
import { RecurringJob } from './recurring-job';
import { LISTED_RECURRING_JOBS, MAINTENANCE_QUEUE, RecurringJobRegistry } from './recurring-job-registry';
import { RecurringJobScheduler } from './recurring-job-scheduler';
import { RecurringJobWorker } from './recurring-job-worker';

/** The worker's one way to run recurring work: BullMQ job schedulers, one run of a job at a time across replicas. */
@Module({})
export class MaintenanceModule {
  /**
   * `jobs`: every recurring job the worker runs, listed in `apps/worker/src/recurring-jobs.ts`. Each lib provides
   * its own in its worker module (core's are provided here).
   */
  static forRoot(jobs: readonly Type<RecurringJob>[]): DynamicModule {
    return {
      module: MaintenanceModule,
      imports: [DiscoveryModule, BullModule.registerQueue({ name: MAINTENANCE_QUEUE })],
      providers: [
        HeartbeatJob,
        PurgeIdempotencyKeysJob,
        IntegrationLogPartitionsJob,
        AdminAuditLogPartitionsJob,
        { provide: LISTED_RECURRING_JOBS, useValue: jobs },
        RecurringJobRegistry,
        RecurringJobScheduler,
        RecurringJobWorker,
      ],
    };
  }
}
