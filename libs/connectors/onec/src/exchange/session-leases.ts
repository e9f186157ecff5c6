import { AppConfig } from '@app/core';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ExchangeSessionStore } from './exchange-session.store';

/**
 * The per-session step lease, held by this process while it imports or unpacks for a session (an import request,
 * or an archive still unpacking after the request answered `progress`). Renewed while held, so a long step keeps
 * it; a crashed process's lease runs out (after twice the import step, at least 10 s) and another replica takes
 * over. Correctness does not rest on the lease (the checkpoint does that); it keeps two replicas from doing the
 * same work, and from extracting one archive into the same folder at once.
 */
@Injectable()
export class SessionLeases implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionLeases.name);
  private readonly held = new Map<string, { holders: number; timer: NodeJS.Timeout }>();

  private readonly leaseMs: number;

  constructor(
    private readonly store: ExchangeSessionStore,
    config: AppConfig,
  ) {
    this.leaseMs = Math.max(10_000, 2 * config.onec.exchange.importSliceMs);
  }

  /** False when another process holds the session's lease. */
  async hold(sessionId: string): Promise<boolean> {
    const current = this.held.get(sessionId);
    if (current) {
      current.holders += 1;
      return true;
    }
    if (!(await this.store.acquireLease(sessionId, this.leaseMs))) {
      return false;
    }
    const raced = this.held.get(sessionId);
    if (raced) {
      raced.holders += 1;
      return true;
    }
    // Per process, not a recurring job: the lease belongs to this process's import run and is renewed only while it
    // lives, so a crashed replica's lease lapses and another replica resumes the session.
    const timer = setInterval(() => {
      this.store
        .acquireLease(sessionId, this.leaseMs)
        .catch((error: unknown) => this.logger.warn(`Cannot renew the lease of ${sessionId}: ${String(error)}`));
    }, this.leaseMs / 3);
    timer.unref();
    this.held.set(sessionId, { holders: 1, timer });
    return true;
  }

  async drop(sessionId: string): Promise<void> {
    const current = this.held.get(sessionId);
    if (!current) {
      return;
    }
    current.holders -= 1;
    if (current.holders > 0) {
      return;
    }
    clearInterval(current.timer);
    this.held.delete(sessionId);
    await this.store
      .releaseLease(sessionId)
      .catch((error: unknown) => this.logger.warn(`Cannot release the lease of ${sessionId}: ${String(error)}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    const sessions = [...this.held.keys()];
    for (const { timer } of this.held.values()) {
      clearInterval(timer);
    }
    this.held.clear();
    await Promise.all(sessions.map((id) => this.store.releaseLease(id).catch(() => undefined)));
  }
}
