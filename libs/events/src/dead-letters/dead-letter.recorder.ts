import { ClassifiedFailure, UnitOfWork } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import type { CloudEvent } from '../cloud-event';
import { EventsMetrics } from '../events.metrics';
import { DeadLetterEntity } from './dead-letter.entity';

export interface DeadLetterInput {
  readonly event: CloudEvent;
  readonly generation: number;
  readonly attempts: number;
  readonly firstFailedAt: Date;
  /** permanent | exhausted | stalled */
  readonly reason: string;
  readonly failure: ClassifiedFailure;
}

/**
 * Parks an event for good: a dead-letter row for back-office, and the outbox row turned `dead`, which holds back
 * the events queued behind it for the same subject until an operator replays or discards it.
 */
@Injectable()
export class DeadLetterRecorder {
  private readonly logger = new Logger(DeadLetterRecorder.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly metrics: EventsMetrics,
  ) {}

  async record(input: DeadLetterInput): Promise<void> {
    const now = new Date();
    const recorded = await this.unitOfWork.run(async (manager) => {
      const moved = await manager.query<[unknown[], number]>(
        `UPDATE outbox_events
            SET status = 'dead', attempts = $3, last_failed_at = now(), first_failed_at = coalesce(first_failed_at, $4),
                last_error = $5
          WHERE id = $1 AND generation = $2 AND status IN ('pending', 'dispatched')
        RETURNING id`,
        [input.event.id, input.generation, input.attempts, input.firstFailedAt, errorRecord(input.failure)],
      );
      if (moved[1] === 0) {
        // Delivered, replayed or already dead-lettered by another path: nothing to park.
        return false;
      }
      await manager.getRepository(DeadLetterEntity).insert({
        eventId: input.event.id,
        destination: input.event.destination,
        type: input.event.type,
        subject: input.event.subject,
        envelope: input.event as never,
        attempts: input.attempts,
        firstFailedAt: input.firstFailedAt,
        lastFailedAt: now,
        errorCode: input.failure.code,
        errorMessage: input.failure.message.slice(0, 2_000),
        reason: input.reason,
        httpStatus: input.failure.httpStatus ?? null,
        responseExcerpt: input.failure.responseExcerpt?.slice(0, 4_000) ?? null,
      });
      return true;
    });
    if (recorded) {
      this.metrics.deadLettered.inc({ destination: input.event.destination, reason: input.reason });
      this.logger.error(
        { eventId: input.event.id, type: input.event.type, subject: input.event.subject, code: input.failure.code },
        `Event dead-lettered (${input.reason}): ${input.failure.message}`,
      );
    }
  }
}

export function errorRecord(failure: ClassifiedFailure): Record<string, unknown> {
  return {
    kind: failure.kind,
    code: failure.code,
    message: failure.message.slice(0, 2_000),
    ...(failure.httpStatus ? { httpStatus: failure.httpStatus } : {}),
    ...(failure.responseExcerpt ? { responseExcerpt: failure.responseExcerpt.slice(0, 2_000) } : {}),
    ...(failure.retryAt ? { retryAt: failure.retryAt.toISOString() } : {}),
  };
}
