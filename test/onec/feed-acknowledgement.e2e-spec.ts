import { AppConfig } from '@app/core';
import { RunningHttpApp, tokenFor, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { EventsProbeModule, EVENTS_PROBE_DDL } from '../support/events-probe.module';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';

interface FeedPage {
  events: { id: string }[];
  nextCursor: string;
}

const feedCursor = (txId: string | bigint | number, position: string | bigint | number) =>
  Buffer.from(`v1:${txId}:${position}`).toString('base64url');

/**
 * Security findings 6 and 8: a `1c` token could acknowledge a cursor beyond the newest event (the stored cursor
 * never moves back, so the feed went empty for good and every pending event was marked delivered), and a cursor
 * of 19 digits over bigint reached PostgreSQL (500).
 */
describe('1C pull feed acknowledgements', () => {
  let middleware: InProcessMiddleware;
  let config: AppConfig;
  let api: RunningHttpApp;
  let db: DataSource;
  let published: { id: string }[];

  const as = (subject: string) => ({ authorization: `Bearer ${tokenFor(config, '1c', { sub: subject })}` });
  const read = async (subject: string, query = '') => {
    const response = await fetch(`${api.url}/api/v1/events${query}`, { headers: as(subject) });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as FeedPage,
    };
  };
  const ack = async (subject: string, cursor: unknown) => {
    const response = await fetch(`${api.url}/api/v1/events/ack`, {
      method: 'POST',
      headers: { ...as(subject), 'content-type': 'application/json' },
      body: JSON.stringify({ cursor }),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  /** Everything an acknowledgement could change. */
  const state = async () => ({
    cursors: await db.query('SELECT * FROM feed_cursors ORDER BY consumer'),
    statuses: await db.query(`SELECT id, status FROM outbox_events WHERE destination = 'onec' ORDER BY position`),
  });
  const newest = async () =>
    (
      await db.query<{ tx_id: string; position: string }[]>(
        `SELECT tx_id, position FROM outbox_events WHERE destination = 'onec' ORDER BY tx_id DESC, position DESC LIMIT 1`,
      )
    )[0];

  beforeAll(async () => {
    middleware = await startInProcessMiddleware({ apiImports: [EventsProbeModule], worker: false });
    ({ config, api, db } = middleware);
    await db.query(EVENTS_PROBE_DDL);
    const response = await fetch(`${api.url}/test/entities/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subjects: ['a', 'b', 'c', 'd'], destination: 'onec', type: 'mastermobile.test.doc.v1' }),
    });
    published = ((await response.json()) as { events: { id: string }[] }).events;
    // Transaction ids are cluster-wide: the feed holds events back until every older transaction has ended.
    await waitFor(async () => (await read('reader-probe')).body.events.length === published.length, {
      what: 'the events in the feed',
    });
  });
  afterAll(() => middleware?.close());

  it('refuses an acknowledgement beyond the newest event, and changes nothing', async () => {
    const first = await read('1c-main', '?limit=1');
    expect(first.body.events.map((event) => event.id)).toEqual([published[0].id]);
    const before = await state();
    const { tx_id: txId } = await newest();

    for (const cursor of [
      feedCursor(BigInt(txId) + 1000n, 0),
      feedCursor('9223372036854775807', '9223372036854775807'),
    ]) {
      const answer = await ack('1c-main', cursor);
      expect(answer.status).toBe(409);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ code: 'FEED_CURSOR_NOT_SERVED', errors: [{ path: 'cursor' }] });
    }
    expect(await state()).toEqual(before);
    expect((await read('1c-main')).body.events.map((event) => event.id)).toEqual(published.map((event) => event.id));
  });

  it('refuses to acknowledge or read on from an existing event that was not served to this consumer', async () => {
    await read('1c-careful', '?limit=1');
    const last = await newest();
    const before = await state();
    expect((await ack('1c-careful', feedCursor(last.tx_id, last.position))).status).toBe(409);
    // Reading on from there would skip the events before it and make them acknowledgeable.
    const skipping = await read('1c-careful', `?cursor=${feedCursor(last.tx_id, last.position)}`);
    expect(skipping.status).toBe(409);
    expect(skipping.type).toMatch(/^application\/problem\+json/);
    // What another consumer was served does not count.
    const other = await read('1c-other');
    expect((await ack('1c-careful', other.body.nextCursor)).status).toBe(409);
    expect((await state()).statuses).toEqual(before.statuses);
  });

  it('accepts what was served, page by page, and marks exactly that delivered', async () => {
    const first = await read('1c-pager', '?limit=2');
    expect((await ack('1c-pager', first.body.nextCursor)).status).toBe(200);
    const statuses = (await state()).statuses as { id: string; status: string }[];
    expect(statuses.map((row) => row.status)).toEqual(['delivered', 'delivered', 'pending', 'pending']);
    const second = await read('1c-pager', `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.events.map((event) => event.id)).toEqual(published.slice(2).map((event) => event.id));
    expect(await ack('1c-pager', second.body.nextCursor)).toMatchObject({
      status: 200,
      body: { cursor: second.body.nextCursor },
    });
    // Older cursors are still harmless, and the start of the feed was always served.
    expect(await ack('1c-pager', first.body.nextCursor)).toMatchObject({
      status: 200,
      body: { cursor: second.body.nextCursor },
    });
    expect((await ack('1c-new', feedCursor(0, 0))).status).toBe(200);
  });

  it.each([
    ['19 digits over bigint', feedCursor('9223372036854775808', '1')],
    ['20 digits', feedCursor('12345678901234567890', '1')],
    ['a negative position', feedCursor('1', '-1')],
    ['leading zeros', feedCursor('01', '1')],
    ['another version', Buffer.from('v2:1:1').toString('base64url')],
    ['a list cursor', Buffer.from('{"v":1,"id":"1"}').toString('base64url')],
    ['a number', 12],
    ['an object', { txId: '1' }],
  ])('answers 400 naming the cursor to %s, on read and ack', async (_, cursor) => {
    const before = await state();
    const acked = await ack('1c-main', cursor);
    expect(acked.status).toBe(400);
    expect(acked.type).toMatch(/^application\/problem\+json/);
    expect(acked.body.errors).toContainEqual(expect.objectContaining({ path: 'cursor' }));
    if (typeof cursor === 'string') {
      const readAnswer = await read('1c-main', `?cursor=${cursor}`);
      expect(readAnswer.status).toBe(400);
      expect(readAnswer.body).toMatchObject({ code: 'INVALID_CURSOR', errors: [{ path: 'cursor' }] });
    }
    expect(await state()).toEqual(before);
  });
});
