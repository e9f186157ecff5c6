import type { Collision, CollisionStatus, NewCollision } from '../domain/collision';

export interface CollisionListQuery {
  readonly domain?: string;
  readonly entityId?: string;
  readonly status?: CollisionStatus;
  /** Newest first: `(createdAt, id)` below this. */
  readonly before?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

/** Port: the collisions' table; every method joins the ambient transaction. */
export abstract class CollisionStore {
  abstract record(collision: NewCollision): Promise<Collision>;
  abstract byId(id: string, options?: { readonly lock?: boolean }): Promise<Collision | undefined>;
  abstract list(query: CollisionListQuery): Promise<Collision[]>;
  abstract resolve(id: string, resolution: NonNullable<Collision['resolution']>): Promise<Collision>;
}

/**
 * What a domain lib provides to settle its collisions: applies the chosen value to its record and propagates it to
 * both sides (1C and Bitrix24), in the resolution's transaction. Refuses (AppError) a decision it cannot apply.
 */
export abstract class CollisionResolver {
  abstract readonly domain: string;
  abstract apply(collision: Collision, decision: NonNullable<Collision['resolution']>): Promise<void>;
}
