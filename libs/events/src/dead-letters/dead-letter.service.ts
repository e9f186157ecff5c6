import { AppError, AuditService, decodeCursor, Page, toPage, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { NOTIFY_RELAY_SQL, promoteNextQueued } from '../outbox/head-of-line';
import { DeadLetterEntity, DeadLetterStatus } from './dead-letter.entity';

export interface DeadLetterFilter {
  readonly destination?: string;
  readonly type?: string;
  readonly subject?: string;
  readonly status?: DeadLetterStatus;
  readonly from?: string;
  readonly to?: string;
}

export interface DeadLetterView {
  readonly id: string;
  readonly eventId: string;
  readonly destination: string;
  readonly type: string;
  readonly subject: string;
  readonly status: DeadLetterStatus;
  readonly reason: string;
  readonly attempts: number;
  readonly firstFailedAt: string;
  readonly lastFailedAt: string;
  readonly error: { code: string; message: string; httpStatus?: number; responseExcerpt?: string };
  readonly envelope: unknown;
  readonly resolvedAt?: string;
  readonly resolvedBy?: string;
  readonly resolution?: string;
}

/** The dead letters of one destination still waiting for an operator: how many, and since when the oldest. */
export interface OpenDeadLetters {
  readonly destination: string;
  readonly count: number;
  readonly oldestSince: Date;
}

export const BULK_REPLAY_LIMIT = 1_000;

/** Back-office operations on dead letters. Each one is audited in the same transaction as its effect. */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async list(filter: DeadLetterFilter, cursor: string | undefined, limit: number): Promise<Page<DeadLetterView>> {
    const builder = this.unitOfWork.manager
      .getRepository(DeadLetterEntity)
      .createQueryBuilder('dl')
      .orderBy('dl.id', 'DESC')
      .limit(limit + 1);
    this.applyFilter(builder, filter);
    if (cursor) {
      const { id } = decodeCursor(cursor, { id: 'bigint' });
      builder.andWhere('dl.id < :cursorId', { cursorId: id });
    }
    return toPage(await builder.getMany(), limit, toView, (row) => ({ id: row.id }));
  }

  /** Per destination, the letters neither replayed nor discarded (what an SLA monitor watches age). */
  async openByDestination(): Promise<OpenDeadLetters[]> {
    const rows = await this.unitOfWork.manager.query<{ destination: string; count: number; oldest: Date }[]>(
      `SELECT destination, count(*)::int AS count, min(created_at) AS oldest FROM dead_letters
        WHERE status = 'open' GROUP BY destination ORDER BY destination`,
    );
    return rows.map((row) => ({ destination: row.destination, count: row.count, oldestSince: row.oldest }));
  }

  async get(id: string): Promise<DeadLetterView> {
    return toView(await this.find(this.unitOfWork.manager, id));
  }

  /** Sends the event through its destination again. Replaying an already replayed letter changes nothing. */
  async replay(id: string, actor: string, reason: string | undefined): Promise<DeadLetterView> {
    return this.unitOfWork.run(async (manager) => {
      const letter = await this.find(manager, id, true);
      if (letter.status === 'replayed') {
        return toView(letter);
      }
      if (letter.status === 'discarded') {
        throw new AppError('DEAD_LETTER_DISCARDED', 'conflict', 'Dead letter was discarded', {
          detail: 'A discarded dead letter cannot be replayed.',
        });
      }
      await this.replayLetter(manager, letter, actor, reason);
      return toView(await this.find(manager, id));
    });
  }

  /** Replays every open letter matching the filter (up to {@link BULK_REPLAY_LIMIT}); running it again finds none. */
  async replayMatching(
    filter: DeadLetterFilter,
    actor: string,
    reason: string | undefined,
  ): Promise<{ replayed: number; ids: string[] }> {
    return this.unitOfWork.run(async (manager) => {
      const builder = manager
        .getRepository(DeadLetterEntity)
        .createQueryBuilder('dl')
        .orderBy('dl.id', 'ASC')
        .limit(BULK_REPLAY_LIMIT)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked');
      this.applyFilter(builder, { ...filter, status: 'open' });
      const letters = await builder.getMany();
      for (const letter of letters) {
        await this.replayLetter(manager, letter, actor, reason);
      }
      await this.audit.record({
        actor,
        action: 'dead_letter.bulk_replay',
        targetType: 'dead_letter_filter',
        targetId: JSON.stringify(filter),
        reason,
        details: { replayed: letters.length, ids: letters.map((letter) => letter.id) },
      });
      return { replayed: letters.length, ids: letters.map((letter) => letter.id) };
    });
  }

  /** Gives up on the event: successors of its subject flow again. The reason is mandatory and audited. */
  async discard(id: string, actor: string, reason: string): Promise<DeadLetterView> {
    return this.unitOfWork.run(async (manager) => {
      const letter = await this.find(manager, id, true);
      if (letter.status === 'discarded') {
        return toView(letter);
      }
      if (letter.status === 'replayed') {
        throw new AppError('DEAD_LETTER_REPLAYED', 'conflict', 'Dead letter was replayed', {
          detail: 'This dead letter was already replayed; a new one opens if the replay fails.',
        });
      }
      await manager.query(`UPDATE outbox_events SET status = 'discarded' WHERE id = $1 AND status = 'dead'`, [
        letter.eventId,
      ]);
      await promoteNextQueued(manager, [{ destination: letter.destination, subject: letter.subject }]);
      await manager.query(NOTIFY_RELAY_SQL);
      await manager.update(
        DeadLetterEntity,
        { id },
        { status: 'discarded', resolvedAt: new Date(), resolvedBy: actor, resolution: reason },
      );
      await this.audit.record({
        actor,
        action: 'dead_letter.discard',
        targetType: 'dead_letter',
        targetId: id,
        reason,
        details: {
          eventId: letter.eventId,
          destination: letter.destination,
          type: letter.type,
          subject: letter.subject,
        },
      });
      return toView(await this.find(manager, id));
    });
  }

  private async replayLetter(
    manager: EntityManager,
    letter: DeadLetterEntity,
    actor: string,
    reason: string | undefined,
  ): Promise<void> {
    await manager.query(
      `UPDATE outbox_events
          SET status = 'pending', generation = generation + 1, attempts = 0, dispatched_at = NULL,
              first_failed_at = NULL, last_failed_at = NULL, last_error = NULL
        WHERE id = $1 AND status = 'dead'`,
      [letter.eventId],
    );
    await manager.query(NOTIFY_RELAY_SQL);
    await manager.update(
      DeadLetterEntity,
      { id: letter.id },
      {
        status: 'replayed',
        resolvedAt: new Date(),
        resolvedBy: actor,
        resolution: reason ?? 'replayed',
      },
    );
    await this.audit.record({
      actor,
      action: 'dead_letter.replay',
      targetType: 'dead_letter',
      targetId: letter.id,
      reason,
      details: { eventId: letter.eventId, destination: letter.destination, type: letter.type, subject: letter.subject },
    });
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<DeadLetterEntity> {
    if (!/^\d{1,18}$/.test(id)) {
      throw notFound(id);
    }
    const letter = await manager.getRepository(DeadLetterEntity).findOne({
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!letter) {
      throw notFound(id);
    }
    return letter;
  }

  private applyFilter(builder: SelectQueryBuilder<DeadLetterEntity>, filter: DeadLetterFilter): void {
    const conditions: [keyof DeadLetterFilter, string][] = [
      ['destination', 'dl.destination = :destination'],
      ['type', 'dl.type = :type'],
      ['subject', 'dl.subject = :subject'],
      ['status', 'dl.status = :status'],
      ['from', 'dl.lastFailedAt >= :from'],
      ['to', 'dl.lastFailedAt < :to'],
    ];
    for (const [name, condition] of conditions) {
      if (filter[name] !== undefined) {
        builder.andWhere(condition, { [name]: filter[name] });
      }
    }
  }
}

function notFound(id: string): AppError {
  return new AppError('DEAD_LETTER_NOT_FOUND', 'not_found', 'Dead letter not found', {
    detail: `No dead letter ${id}.`,
  });
}

function toView(row: DeadLetterEntity): DeadLetterView {
  return {
    id: row.id,
    eventId: row.eventId,
    destination: row.destination,
    type: row.type,
    subject: row.subject,
    status: row.status,
    reason: row.reason,
    attempts: row.attempts,
    firstFailedAt: row.firstFailedAt.toISOString(),
    lastFailedAt: row.lastFailedAt.toISOString(),
    error: {
      code: row.errorCode,
      message: row.errorMessage,
      ...(row.httpStatus ? { httpStatus: row.httpStatus } : {}),
      ...(row.responseExcerpt ? { responseExcerpt: row.responseExcerpt } : {}),
    },
    envelope: row.envelope,
    ...(row.resolvedAt ? { resolvedAt: row.resolvedAt.toISOString() } : {}),
    ...(row.resolvedBy ? { resolvedBy: row.resolvedBy } : {}),
    ...(row.resolution ? { resolution: row.resolution } : {}),
  };
}
