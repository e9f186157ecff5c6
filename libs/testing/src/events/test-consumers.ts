import { IntegrationError, UnitOfWork } from '@app/core';
import { CloudEvent, EventConsumer, EventHandler } from '@app/events';
import { Injectable, Module } from '@nestjs/common';

export const TEST_DESTINATION = 'test.recorder';

/** Tables the recording consumer writes to; tests create them in their database before starting workers. */
export const TEST_CONSUMER_DDL = `
  CREATE TABLE IF NOT EXISTS test_event_effects (
    id bigserial PRIMARY KEY, event_id uuid NOT NULL, subject text NOT NULL, version bigint,
    pid integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp());
  CREATE TABLE IF NOT EXISTS test_switches (name text PRIMARY KEY);`;

/** What a test asks the recorder to do with an event. */
export interface RecorderInstructions {
  readonly sleepMs?: number;
  /** While a switch of this name exists in test_switches, fail with `failKind`. */
  readonly failWhileSwitch?: string;
  readonly failKind?: 'permanent' | 'transient' | 'rate_limited' | 'deferred';
}

/**
 * Records every application of an event as a row (no unique constraint on purpose: a second effect would show up
 * as a second row). Its effect is transactional, so the backbone's exactly-once promise is directly observable.
 */
@Injectable()
@EventConsumer({ destination: TEST_DESTINATION, maxAttempts: 3 })
export class RecordingConsumer implements EventHandler<RecorderInstructions> {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async handle(event: CloudEvent<RecorderInstructions>): Promise<void> {
    const { sleepMs, failWhileSwitch, failKind = 'permanent' } = event.data ?? {};
    if (sleepMs) {
      await new Promise((resolve) => setTimeout(resolve, sleepMs));
    }
    if (failWhileSwitch) {
      const rows = await this.unitOfWork.manager.query<unknown[]>('SELECT 1 FROM test_switches WHERE name = $1', [
        failWhileSwitch,
      ]);
      if (rows.length > 0) {
        throw new IntegrationError(failKind, `TEST_${failKind.toUpperCase()}`, `switch ${failWhileSwitch} is on`, {
          system: 'test',
          httpStatus: failKind === 'permanent' ? 400 : 503,
          responseExcerpt: '{"error":"TEST","error_description":"switched on"}',
          retryAt: failKind === 'rate_limited' || failKind === 'deferred' ? new Date(Date.now() + 200) : undefined,
        });
      }
    }
    await this.unitOfWork.manager.query(
      'INSERT INTO test_event_effects (event_id, subject, version, pid) VALUES ($1, $2, $3, $4)',
      [event.id, event.subject, event.entityversion ?? null, process.pid],
    );
  }
}

@Module({ providers: [RecordingConsumer] })
export class TestConsumersModule {}
