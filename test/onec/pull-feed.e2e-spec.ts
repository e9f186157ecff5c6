import { AppConfig } from '@app/core';
import { RunningHttpApp, tokenFor, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { EVENTS_PROBE_DDL, EventsProbeModule } from '../support/events-probe.module';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';

/** 1C pulls the `onec` destination's events; the worker runs, but with no HTTP service configured nobody pushes. */
describe('1C pull feed (API and worker in process, real PostgreSQL and Redis)', () => {
  let middleware: InProcessMiddleware;
  let config: AppConfig;
  let api: RunningHttpApp;
  let db: DataSource;

  const update = async (subjects: string[], extra: Record<string, unknown> = {}) => {
    const response = await fetch(`${api.url}/test/entities/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subjects, ...extra }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: { id: string; subject: string; version: number }[] }).events;
  };

  beforeAll(async () => {
    middleware = await startInProcessMiddleware({ apiImports: [EventsProbeModule] });
    ({ config, api, db } = middleware);
    await db.query(EVENTS_PROBE_DDL);
  });
  afterAll(() => middleware?.close());

  it('serves 1C a pull feed in commit order that resumes from the acknowledged cursor', async () => {
    const onec = { authorization: `Bearer ${tokenFor(config, '1c')}` };
    const admin = { authorization: `Bearer ${tokenFor(config, 'admin')}` };
    const subjects = ['doc-1', 'doc-2', 'doc-3', 'doc-1', 'doc-4'];
    const published = await update(subjects, { destination: 'onec', type: 'mastermobile.test.confirmation.v1' });
    const read = async (query = '') => {
      const response = await fetch(`${api.url}/api/v1/events${query}`, { headers: onec });
      expect(response.status).toBe(200);
      return (await response.json()) as {
        events: { id: string; subject: string; entityversion: number }[];
        nextCursor: string;
      };
    };
    const ack = async (cursor: string) => {
      const response = await fetch(`${api.url}/api/v1/events/ack`, {
        method: 'POST',
        headers: { ...onec, 'content-type': 'application/json' },
        body: JSON.stringify({ cursor }),
      });
      return { status: response.status, body: (await response.json()) as { cursor: string } };
    };

    // Transaction ids are cluster-wide: until every older transaction (in any database) has ended, the feed holds
    // newer events back rather than risk serving them out of order. So wait for them to become visible.
    const all = await waitFor(async () => {
      const page = await read();
      return page.events.length === published.length && page;
    });
    expect(all.events.map((event) => event.id)).toEqual(published.map((event) => event.id));
    const firstPage = await read('?limit=2');
    expect(firstPage.events.map((event) => event.id)).toEqual(published.slice(0, 2).map((event) => event.id));
    const secondPage = await read(`?limit=2&cursor=${firstPage.nextCursor}`);
    expect(secondPage.events.map((event) => event.id)).toEqual(published.slice(2, 4).map((event) => event.id));

    expect((await ack(firstPage.nextCursor)).status).toBe(200);
    // Unacknowledged events are served again; acknowledged ones are not.
    expect((await read()).events.map((event) => event.id)).toEqual(published.slice(2).map((event) => event.id));
    // Idempotent, and never backwards.
    expect((await ack(secondPage.nextCursor)).body.cursor).toBe(secondPage.nextCursor);
    expect((await ack(secondPage.nextCursor)).body.cursor).toBe(secondPage.nextCursor);
    expect((await ack(firstPage.nextCursor)).body.cursor).toBe(secondPage.nextCursor);
    expect((await read()).events.map((event) => event.id)).toEqual([published[4].id]);
    const typed = await read(`?types=mastermobile.other.type.v1&cursor=${firstPage.nextCursor}`);
    expect(typed.events).toEqual([]);

    expect((await ack('garbage')).status).toBe(400);
    const forbidden = await fetch(`${api.url}/api/v1/events`, { headers: admin });
    expect(forbidden.status).toBe(403);
    const [{ status }] = await db.query<{ status: string }[]>('SELECT status FROM outbox_events WHERE id = $1', [
      published[0].id,
    ]);
    expect(status).toBe('delivered');
  });
});
