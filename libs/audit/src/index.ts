// The audit lib's public surface: the trail every domain lib writes its records' state changes to, and the
// collisions between 1C, Bitrix24 and the middleware that the back office resolves.
export * from './domain/audit-entry';
export * from './domain/collision';
export * from './application/audit-trail.port';
export { CollisionResolver, CollisionStore } from './application/collisions.port';
export { CollisionResolvers } from './application/collisions.service';
export * from './audit.module';
export * from './audit-worker.module';
export { AuditTrailPartitionsJob } from './jobs/audit-trail-partitions.job';
export { CollisionDto } from './http/collisions.controller';
export { AuditHistoryEntryDto, toAuditHistoryEntryDto } from './http/audit-history.dto';

import { AuditTrailEntity } from './infrastructure/audit-trail.entity';
import { CollisionEntity } from './infrastructure/collision.entity';

/** Entities owned by the audit lib; migrations/schema.ts lists every lib's. */
export const AUDIT_ENTITIES = [AuditTrailEntity, CollisionEntity];
