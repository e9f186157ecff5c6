/** Which side a value came from. */
export type CollisionSide = '1c' | 'bitrix24' | 'middleware';

export const COLLISION_STATUSES = ['open', 'resolved'] as const;
export type CollisionStatus = (typeof COLLISION_STATUSES)[number];

/**
 * How an operator settles a collision: 1C's value, the middleware's (what it holds and has shown), or a value of
 * their own. Whatever is chosen is applied and propagated to both sides.
 */
export const COLLISION_DECISIONS = ['accept_1c', 'accept_middleware', 'edit'] as const;
export type CollisionDecision = (typeof COLLISION_DECISIONS)[number];

/**
 * Two sides disagree about one field of a record and the rules did not let either win silently: 1C changed a
 * delivery the courier already set out with, or the courier moved an item in Bitrix24 against the rules.
 */
export interface NewCollision {
  readonly domain: string;
  readonly entityType: string;
  readonly entityId: string;
  /** The field in dispute (`content`, `status`, …). */
  readonly field: string;
  /** The value that arrived, and from where. */
  readonly proposed: unknown;
  readonly proposedBy: CollisionSide;
  /** The value the middleware holds (and keeps until the collision is resolved). */
  readonly held: unknown;
}

export interface Collision extends NewCollision {
  readonly id: string;
  readonly status: CollisionStatus;
  readonly requestId: string | null;
  readonly createdAt: Date;
  readonly resolution: {
    readonly decision: CollisionDecision;
    readonly value: unknown;
    readonly comment: string;
    readonly resolvedBy: string;
    readonly resolvedAt: string;
  } | null;
}
