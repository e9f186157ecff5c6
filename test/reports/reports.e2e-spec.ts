import { randomUUID } from 'node:crypto';
import type { Role } from '@app/core';
import { type FakeOnecHttpService, tokenFor, waitFor } from '@app/testing';
import {
  COURIER_A,
  COURIER_B,
  deliveriesAs,
  type DeliveryBody,
  shipment,
  startWithFakeOnec,
} from '../deliveries/deliveries-fixtures';
import type { MasterDataHarness } from '../master-data/master-data-harness';

type Cell = string | number | null;

interface Report<Row> {
  from: string;
  to: string;
  rows: Row[];
}

const REPORTS = ['sync-lag', 'dead-letters', 'exchange-sessions', 'deliveries', 'collisions'] as const;

describe('back-office reports: JSON and CSV of the same rows, admin only, over a checked period', () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;
  const from = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const to = () => new Date(Date.now() + 60_000).toISOString();

  const onecSide = deliveriesAs(() => harness, '1c');
  const courier = (id: string) => deliveriesAs(() => harness, 'courier', id);

  /** A report as text, for CSV (the harness parses JSON). */
  const fetchReport = async (path: string, { role = 'admin', accept }: { role?: Role; accept?: string } = {}) => {
    const response = await fetch(`${harness.middleware.api.url}/api/v1/admin/reports/${path}`, {
      headers: {
        authorization: `Bearer ${tokenFor(harness.middleware.config, role, role === 'courier' ? { courierId: COURIER_A } : {})}`,
        ...(accept === undefined ? {} : { accept }),
      },
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const json = async <Row>(name: string, range = `from=${from}&to=${to()}`) => {
    const response = await fetchReport(`${name}?${range}`);
    expect(response.status).toBe(200);
    return JSON.parse(response.text) as Report<Row>;
  };
  /** The CSV of a report, parsed back into objects (values as the CSV has them: strings, empty for null). */
  const csv = async (name: string, range: string) => {
    const response = await fetchReport(`${name}?${range}`, { accept: 'text/csv' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="${name}_.+\\.csv"$`),
    );
    const [header, ...lines] = response.text.trimEnd().split('\r\n');
    const columns = header.split(',');
    return lines.map((line) => Object.fromEntries(parseCsvLine(line).map((cell, i) => [columns[i], cell])));
  };
  /** The query of a report's own period, to read the same rows again. */
  const periodOf = (report: Report<unknown>) =>
    `from=${encodeURIComponent(report.from)}&to=${encodeURIComponent(report.to)}`;
  /** JSON rows as their CSV cells: values as strings, null as empty. */
  const asCsvCells = (rows: Record<string, Cell>[]) =>
    rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? '' : String(value)])),
    );
  /** JSON and CSV agree: same rows, same columns. */
  const expectCsvMatches = async (name: string, report: Report<Record<string, Cell>>) => {
    expect(await csv(name, periodOf(report))).toEqual(asCsvCells(report.rows));
  };

  const outcome = async (n: number, courierId: string, body: Record<string, unknown>) => {
    const { id } = (await onecSide.post('', shipment(n, { courierId }))).body as DeliveryBody;
    for (const status of ['accepted', 'in_transit']) {
      expect(
        (await courier(courierId).post(`/${id}/status`, { status, occurredAt: new Date().toISOString() })).status,
      ).toBe(200);
    }
    expect((await courier(courierId).post(`/${id}/status`, body)).status).toBe(200);
    return id;
  };

  beforeAll(async () => {
    ({ harness, onec } = await startWithFakeOnec({ ONEC_TIME_ZONE: 'Europe/Moscow' }));
  });
  afterAll(async () => {
    await harness?.close();
    await onec?.stop();
  });

  it('counts delivery outcomes per day in 1C’s time zone, courier and outcome', async () => {
    // 23:30 UTC on the 5th is already the 6th in Moscow.
    await outcome(1, COURIER_A, {
      status: 'delivered',
      occurredAt: '2026-12-05T11:00:00+03:00',
      cashCollected: '116.99',
    });
    await outcome(2, COURIER_A, {
      status: 'delivered',
      occurredAt: '2026-12-05T12:00:00+03:00',
      cashCollected: '116.99',
    });
    await outcome(3, COURIER_A, {
      status: 'failed',
      occurredAt: '2026-12-05T23:30:00Z',
      failureReason: 'customer_absent',
      cashCollected: '0',
    });
    await outcome(4, COURIER_B, {
      status: 'failed',
      occurredAt: '2026-12-05T13:00:00+03:00',
      failureReason: 'customer_absent',
      cashCollected: '0',
    });

    const range = 'from=2026-12-05T00:00:00%2B03:00&to=2026-12-07T00:00:00%2B03:00';
    const report = await json<Record<string, Cell>>('deliveries', range);
    expect(report).toEqual({
      from: '2026-12-04T21:00:00.000Z',
      to: '2026-12-06T21:00:00.000Z',
      rows: [
        { day: '2026-12-05', courierId: COURIER_A, outcome: 'delivered', deliveries: 2 },
        { day: '2026-12-05', courierId: COURIER_B, outcome: 'failed', deliveries: 1 },
        { day: '2026-12-06', courierId: COURIER_A, outcome: 'failed', deliveries: 1 },
      ],
    });
    await expectCsvMatches('deliveries', report);
    // Outside the period: nothing.
    expect((await json('deliveries', 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z')).rows).toEqual([]);
  });

  it('reports the sync lag per destination and type, and the dead letters per destination and error', async () => {
    // 1C refuses the next confirmation for good: it dead-letters.
    onec.inject({ kind: 'status', status: 400, body: 'Документ не найден' }, 10);
    const id = await outcome(5, COURIER_A, {
      status: 'delivered',
      occurredAt: new Date().toISOString(),
      cashCollected: '116.99',
    });
    const letters = await waitFor(
      async () => {
        const rows = await harness.query<{ destination: string; error_code: string; status: string }>(
          `SELECT destination, error_code, status FROM dead_letters WHERE subject = $1`,
          [`delivery:${id}`],
        );
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'the refused confirmation to be dead-lettered' },
    );
    onec.clearFaults();

    const deadLetters = await json<Record<string, Cell>>('dead-letters');
    const expectedLetters = await harness.query<Record<string, unknown>>(
      `SELECT destination, error_code AS "errorCode", count(*)::int AS count FROM dead_letters GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(deadLetters.rows).toEqual(
      expectedLetters.map((row): unknown =>
        expect.objectContaining({ ...row, open: row.count, replayed: 0, discarded: 0 }),
      ),
    );
    expect(deadLetters.rows).toContainEqual(
      expect.objectContaining({ destination: letters[0].destination, errorCode: letters[0].error_code }),
    );
    expect(Date.parse(deadLetters.rows[0].firstFailedAt as string)).toBeLessThanOrEqual(
      Date.parse(deadLetters.rows[0].lastFailedAt as string),
    );
    await expectCsvMatches('dead-letters', deadLetters);

    const outboxCounts = () =>
      harness.query<{ destination: string; type: string; created: number; delivered: number }>(
        `SELECT destination, type, count(*)::int AS created, count(delivered_at)::int AS delivered
           FROM outbox_events WHERE created_at >= $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [from],
      );
    // The worker keeps delivering (SLA evaluations among them): compare with the outbox as it stood on both sides of
    // the JSON and the CSV reads, taken again until nothing moved in between (a delivery between the two reads made
    // them differ once in CI).
    const { syncLag, syncLagCsv, expected } = await waitFor(
      async () => {
        const before = await outboxCounts();
        const report = await json<Record<string, Cell>>('sync-lag');
        const rows = await csv('sync-lag', periodOf(report));
        const after = await outboxCounts();
        return JSON.stringify(before) === JSON.stringify(after)
          ? { syncLag: report, syncLagCsv: rows, expected: after }
          : undefined;
      },
      { what: 'the outbox to hold still around one sync-lag report in JSON and CSV' },
    );
    expect(
      syncLag.rows.map(({ destination, type, created, delivered }) => ({ destination, type, created, delivered })),
    ).toEqual(expected);
    const confirmations = syncLag.rows.find(
      (row) => row.destination === letters[0].destination && (row.dead as number) > 0,
    );
    expect(confirmations?.dead).toBeGreaterThanOrEqual(1);
    for (const row of syncLag.rows.filter((line) => (line.delivered as number) > 0)) {
      expect(row.lagMedianSeconds as number).toBeGreaterThanOrEqual(0);
      expect(row.lagMedianSeconds as number).toBeLessThanOrEqual(row.lagP95Seconds as number);
      expect(row.lagP95Seconds as number).toBeLessThanOrEqual(row.lagMaxSeconds as number);
    }
    expect(syncLagCsv).toEqual(asCsvCells(syncLag.rows));
  });

  it('reports the 1C exchange sessions per type and outcome', async () => {
    await harness.onec().runSaleExchange();
    const [session] = await harness.query<{ state: string }>(
      `SELECT state FROM onec_exchange_sessions WHERE type = 'sale'`,
    );
    const report = await json<Record<string, Cell>>('exchange-sessions');
    expect(report.rows).toEqual([
      expect.objectContaining({ type: 'sale', outcome: session.state, sessions: 1, filesUploaded: 0 }),
    ]);
    expect(report.rows[0].durationMedianSeconds).toBe(report.rows[0].durationMaxSeconds);
    await expectCsvMatches('exchange-sessions', report);
  });

  it('reports collisions opened and resolved, per decision, with the time to resolve', async () => {
    const collide = async (n: number) => {
      const { id } = (await onecSide.post('', shipment(n))).body as DeliveryBody;
      for (const status of ['accepted', 'in_transit']) {
        await courier(COURIER_A).post(`/${id}/status`, { status, occurredAt: new Date().toISOString() });
      }
      const late = await onecSide.put(`/${id}`, shipment(n, { comment: `Позвонить ${n}` }));
      expect(late.status).toBe(202);
      return (late.body as { id: string }).id;
    };
    const resolved = await collide(20);
    await collide(21);
    const answer = await harness.call('POST', `/api/v1/admin/collisions/${resolved}/resolve`, {
      role: 'admin',
      body: { decision: 'accept_1c', comment: 'the customer asked 1C' },
      idempotencyKey: randomUUID(),
    });
    expect(answer.status).toBe(200);

    const report = await json<Record<string, Cell>>('collisions');
    expect(report.rows).toEqual([
      {
        domain: 'deliveries',
        field: 'content',
        decision: null,
        opened: 1,
        resolved: 0,
        timeToResolveMedianSeconds: null,
        timeToResolveP95Seconds: null,
        timeToResolveMaxSeconds: null,
      },
      expect.objectContaining({
        domain: 'deliveries',
        field: 'content',
        decision: 'accept_1c',
        opened: 1,
        resolved: 1,
      }),
    ]);
    expect(report.rows[1].timeToResolveMedianSeconds as number).toBeGreaterThanOrEqual(0);
    await expectCsvMatches('collisions', report);
  });

  it('answers only admins, and refuses a missing, malformed, backwards or too long period', async () => {
    for (const name of REPORTS) {
      const range = `from=${from}&to=${to()}`;
      expect((await fetchReport(`${name}?${range}`, { role: 'courier' })).status).toBe(403);
      expect((await fetchReport(`${name}?${range}`, { role: '1c' })).status).toBe(403);
      const problem = async (query: string, status: number) => {
        const response = await fetchReport(`${name}?${query}`);
        expect({ name, query, status: response.status }).toEqual({ name, query, status });
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      };
      await problem(`from=${from}`, 400);
      await problem(`from=2026-02-30T00:00:00Z&to=2026-03-01T00:00:00Z`, 400);
      await problem(`from=2026-01-01T00:00:00&to=2026-02-01T00:00:00Z`, 400);
      await problem(`from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, 422);
      await problem(`from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z`, 422);
    }
  });
});

/** One RFC 4180 line (no line breaks inside fields in these reports). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  return [...cells, cell];
}
