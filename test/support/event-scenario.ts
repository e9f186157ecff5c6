import { AppConfig } from '@app/core';
import { listen, RunningHttpApp, TEST_CONSUMER_DDL, TestEnvironment } from '@app/testing';
import { DataSource } from 'typeorm';
import { createApiApplication } from '../../apps/api/src/api';
import { EVENTS_PROBE_DDL, EventsProbeModule } from './events-probe.module';

/** The API in process (with the entity-update probe) over a test environment whose workers run as real processes. */
export interface EventScenario {
  readonly api: RunningHttpApp;
  readonly db: DataSource;
  update(
    subjects: string[],
    data?: Record<string, unknown>,
  ): Promise<{ id: string; subject: string; version: number }[]>;
  counts(): Promise<{ events: number; delivered: number; effects: number; distinctEffects: number }>;
  close(): Promise<void>;
}

export async function startEventScenario(env: TestEnvironment, config: AppConfig): Promise<EventScenario> {
  const api = await listen(await createApiApplication(config, { imports: [EventsProbeModule] }));
  const db = api.app.get(DataSource);
  await db.query(TEST_CONSUMER_DDL);
  await db.query(EVENTS_PROBE_DDL);
  return {
    api,
    db,
    async update(subjects, data) {
      const response = await fetch(`${api.url}/test/entities/update`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subjects, ...(data ? { data } : {}) }),
      });
      if (response.status !== 200) {
        throw new Error(`update answered ${response.status}: ${await response.text()}`);
      }
      return ((await response.json()) as { events: { id: string; subject: string; version: number }[] }).events;
    },
    async counts() {
      const [row] = await db.query<{ events: number; delivered: number; effects: number; distinct_effects: number }[]>(
        `SELECT (SELECT count(*)::int FROM outbox_events WHERE destination = 'test.recorder') AS events,
                (SELECT count(*)::int FROM outbox_events WHERE destination = 'test.recorder' AND status = 'delivered') AS delivered,
                (SELECT count(*)::int FROM test_event_effects) AS effects,
                (SELECT count(DISTINCT event_id)::int FROM test_event_effects) AS distinct_effects`,
      );
      return {
        events: row.events,
        delivered: row.delivered,
        effects: row.effects,
        distinctEffects: row.distinct_effects,
      };
    },
    close: async () => {
      await api.close();
    },
  };
}

/** For each subject, the versions in the order the consumer applied them. */
export async function appliedVersionsBySubject(db: DataSource): Promise<Map<string, number[]>> {
  const rows = await db.query<{ subject: string; version: string }[]>(
    'SELECT subject, version FROM test_event_effects ORDER BY id',
  );
  const bySubject = new Map<string, number[]>();
  for (const row of rows) {
    bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), Number(row.version)]);
  }
  return bySubject;
}
