import type { DurationStats, ReportPeriod } from '@app/core';
import type { Collision, CollisionDecision, CollisionStatus, NewCollision } from '../domain/collision';

export interface CollisionListQuery {
  readonly domain?: string;
  readonly entityId?: string;
  readonly status?: CollisionStatus;
  /** Newest first: `(createdAt, id)` below this. */
  readonly before?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

/**
 * One domain, field and decision of the collisions report: `decision` is null for those still open, whose line
 * counts only `opened`.
 */
export interface CollisionReportRow extends DurationStats<'timeToResolve'> {
  readonly domain: string;
  readonly field: string;
  readonly decision: CollisionDecision | null;
  /** Opened in the period (and resolved with `decision`, or still open). */
  readonly opened: number;
  /** Resolved in the period with `decision`, whenever opened. */
  readonly resolved: number;
}

/** Port: the collisions' table; every method joins the ambient transaction. */
export abstract class CollisionStore {
  /**
   * Opens a collision, or answers the open one of the same entity, field and proposed value: a side repeating its
   * change (1C resending it, a retried webhook, the missed-event recovery seeing the edit again) does not multiply it.
   * The callers hold the entity's row lock, which keeps two of them from both inserting.
   */
  abstract record(collision: NewCollision): Promise<Collision>;
  abstract byId(id: string, options?: { readonly lock?: boolean }): Promise<Collision | undefined>;
  abstract list(query: CollisionListQuery): Promise<Collision[]>;
  abstract resolve(id: string, resolution: NonNullable<Collision['resolution']>): Promise<Collision>;
  /** Collisions opened or resolved in the period, per domain, field and decision. */
  abstract report(period: ReportPeriod): Promise<CollisionReportRow[]>;
}

/**
 * What a domain lib provides to settle its collisions: applies the chosen value to its record and propagates it to
 * both sides (1C and Bitrix24), in the resolution's transaction. Refuses (AppError) a decision it cannot apply.
 */
export abstract class CollisionResolver {
  abstract readonly domain: string;
  abstract apply(collision: Collision, decision: NonNullable<Collision['resolution']>): Promise<void>;
}
