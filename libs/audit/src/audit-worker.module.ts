import { Module } from '@nestjs/common';
import { AuditTrailPartitionsJob } from './jobs/audit-trail-partitions.job';

/** The audit lib in the worker: the audit trail's partitions and their retention. */
@Module({ providers: [AuditTrailPartitionsJob] })
export class AuditWorkerModule {}
