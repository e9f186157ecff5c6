import { AppError, type Principal, type ReportPeriod, reportPeriod, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import type { Collision, CollisionDecision } from '../domain/collision';
import { AuditTrail } from './audit-trail.port';
import { type CollisionListQuery, type CollisionReportRow, CollisionResolver, CollisionStore } from './collisions.port';

export interface CollisionReport extends ReportPeriod {
  readonly rows: readonly CollisionReportRow[];
}

const notFound = (id: string) =>
  new AppError('COLLISION_NOT_FOUND', 'not_found', 'Not found', { detail: `No collision ${id}.` });

/** The domains' collision resolvers, each registering itself when its module starts. */
@Injectable()
export class CollisionResolvers {
  private readonly byDomain = new Map<string, CollisionResolver>();

  register(resolver: CollisionResolver): void {
    this.byDomain.set(resolver.domain, resolver);
  }

  of(domain: string): CollisionResolver | undefined {
    return this.byDomain.get(domain);
  }
}

/**
 * Collisions for the back office: listed, and resolved once. A resolution runs in one transaction: the collision is
 * locked, its domain applies the chosen value and propagates it, the collision is marked resolved, and the audit
 * trail records who chose what. The same resolution again answers the resolved collision; another one is a 409.
 */
@Injectable()
export class CollisionsService {
  constructor(
    private readonly store: CollisionStore,
    private readonly resolvers: CollisionResolvers,
    private readonly audit: AuditTrail,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  list(query: CollisionListQuery): Promise<Collision[]> {
    return this.unitOfWork.run(() => this.store.list(query));
  }

  report(period: { readonly from: string; readonly to: string }): Promise<CollisionReport> {
    const { from, to } = reportPeriod(period);
    return this.unitOfWork.run(async () => ({ from, to, rows: await this.store.report({ from, to }) }));
  }

  async get(id: string): Promise<Collision> {
    return (await this.unitOfWork.run(() => this.store.byId(id))) ?? Promise.reject(notFound(id));
  }

  resolve(
    id: string,
    decision: { decision: CollisionDecision; value?: unknown; comment: string },
    principal: Principal,
  ): Promise<Collision> {
    return this.unitOfWork.run(async () => {
      const collision = await this.store.byId(id, { lock: true });
      if (!collision) {
        throw notFound(id);
      }
      if (collision.resolution) {
        if (collision.resolution.decision === decision.decision) {
          return collision;
        }
        throw new AppError('COLLISION_RESOLVED', 'conflict', 'Already resolved', {
          detail: `The collision was resolved with ${collision.resolution.decision} by ${collision.resolution.resolvedBy}.`,
        });
      }
      if (decision.decision === 'edit' && decision.value === undefined) {
        throw new AppError('COLLISION_VALUE_MISSING', 'invalid_input', 'A value is needed', {
          errors: [{ path: 'value', message: 'edit needs the value to apply' }],
        });
      }
      const resolver = this.resolvers.of(collision.domain);
      if (!resolver) {
        throw new AppError('COLLISION_DOMAIN_UNSERVED', 'unavailable', 'Nobody resolves this domain here', {
          detail: `No resolver for ${collision.domain} is running in this process.`,
        });
      }
      const value =
        decision.decision === 'accept_1c'
          ? collision.proposed
          : decision.decision === 'accept_middleware'
            ? collision.held
            : decision.value;
      const resolution = {
        decision: decision.decision,
        value,
        comment: decision.comment,
        resolvedBy: principal.subject,
        resolvedAt: new Date().toISOString(),
      };
      await resolver.apply(collision, resolution);
      const resolved = await this.store.resolve(id, resolution);
      await this.audit.record({
        domain: collision.domain,
        entityType: 'collision',
        entityId: collision.id,
        action: 'resolved',
        source: 'admin',
        actor: principal.subject,
        actorRole: 'admin',
        before: { status: 'open' },
        after: { status: 'resolved', decision: decision.decision },
        details: { comment: decision.comment, entity: `${collision.entityType}:${collision.entityId}` },
      });
      return resolved;
    });
  }
}
