import { Global, Module } from '@nestjs/common';
import { AuditTrail } from './application/audit-trail.port';
import { CollisionStore } from './application/collisions.port';
import { CollisionResolvers, CollisionsService } from './application/collisions.service';
import { CollisionReportsController } from './http/collision-reports.controller';
import { CollisionsController } from './http/collisions.controller';
import { AuditTraceSource } from './infrastructure/audit.trace-source';
import { TypeormAuditTrail } from './infrastructure/audit-trail.typeorm-store';
import { CollisionMetrics } from './infrastructure/collision.metrics';
import { TypeormCollisionStore } from './infrastructure/collision.typeorm-store';

/**
 * The audit trail and the collisions of business records, in both apps; global because every domain lib writes to
 * them (and registers its collision resolver).
 */
@Global()
@Module({
  providers: [
    { provide: AuditTrail, useClass: TypeormAuditTrail },
    { provide: CollisionStore, useClass: TypeormCollisionStore },
    CollisionResolvers,
    CollisionsService,
    AuditTraceSource,
    CollisionMetrics,
  ],
  exports: [AuditTrail, CollisionStore, CollisionResolvers, CollisionsService],
})
export class AuditTrailModule {}

/** The collisions' admin API and report, in the API app only. */
@Module({ controllers: [CollisionsController, CollisionReportsController] })
export class CollisionsApiModule {}
