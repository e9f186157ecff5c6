import { createReadStream, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import type { ParseSummary } from '@app/onec';
import { FakeOnecFile, generateCommerceMl } from '@app/testing';
import { parseCommerceMl } from '../../libs/connectors/onec/src/commerceml';
import { sharedCommerceMlFixture, sharedFixturesDir } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { OnecHarness, startOnecHarness } from './onec-harness';

interface ManifestRow {
  readonly path: string;
  readonly counts: Record<string, number>;
}

/** Every shared CommerceML sample, with the element counts MANIFEST.tsv gives for it. */
function manifest(): ManifestRow[] {
  const lines = readFileSync(join(sharedFixturesDir, 'commerceml', 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    const counts = Object.fromEntries(
      (cells[8] ?? '')
        .split(' ')
        .filter(Boolean)
        .map((pair) => {
          const [name, value] = pair.split('=');
          return [name, Number(value)];
        }),
    );
    return { path: cells[0], counts };
  });
}

const FIXTURES = manifest();
const FILES: FakeOnecFile[] = FIXTURES.map((row) => ({ name: row.path, path: sharedCommerceMlFixture(row.path) }));

async function summaryOf(path: string): Promise<ParseSummary> {
  return parseCommerceMl(createReadStream(path), { onBatch: () => Promise.resolve() });
}

interface DeliveredRow {
  file_name: string;
  kind: string;
  delivered: number;
  distinct_ordinals: number;
}

describe('a simulated 1C catalog exchange of every shared fixture, chunked at 200 KB', () => {
  const expected = new Map<string, ParseSummary>();

  beforeAll(async () => {
    for (const file of FILES) {
      expected.set(file.name, await summaryOf(file.path!));
    }
  });

  it('the expectations agree with MANIFEST.tsv', () => {
    expect(FIXTURES).toHaveLength(28);
    for (const row of FIXTURES) {
      const summary = expected.get(row.path)!;
      const isOrders = summary.documentKind === 'documents';
      const manifestCounts = {
        group: row.counts['Группа'] ?? 0,
        offer: row.counts['Предложение'] ?? 0,
        document: row.counts['Документ'] ?? 0,
        // In order files, Товар counts the lines of the documents, not catalog products.
        product: isOrders ? 0 : (row.counts['Товар'] ?? 0),
      };
      expect({ file: row.path, ...manifestCounts }).toEqual({
        file: row.path,
        group: summary.counts.group,
        offer: summary.counts.offer,
        document: summary.counts.document,
        product: summary.counts.product,
      });
    }
  });

  describe.each([
    ['zipped (zip=yes, one archive)', 'true'],
    ['not zipped (zip=no, every file)', 'false'],
  ])('%s', (_variant, zip) => {
    let harness: OnecHarness;

    beforeAll(async () => {
      harness = await startOnecHarness({ ONEC_EXCHANGE_FILE_LIMIT: '204800', ONEC_EXCHANGE_ZIP: zip });
    });
    afterAll(async () => harness?.close());

    it('ends in success and delivers every record to the ports exactly once', async () => {
      const client = harness.client();
      const result = await client.runCatalogExchange({ files: FILES, complete: true });

      expect(result.failure).toBeUndefined();
      expect(result.zipped).toBe(zip === 'true');
      expect(result.fileLimit).toBe(204_800);
      const posts = client.transcript.filter((call) => call.mode === 'file');
      const biggest = Math.max(...FILES.map((file) => readFileSync(file.path!).length));
      if (zip === 'false') {
        // The 1.25 MB file alone takes seven 200 KB parts.
        expect(posts.length).toBeGreaterThanOrEqual(FILES.length + Math.ceil(biggest / 204_800) - 1);
      } else {
        expect(posts.length).toBeGreaterThanOrEqual(1);
      }
      expect(client.transcript.every((call) => call.status !== 'failure')).toBe(true);

      const catalog = await harness.db.query<DeliveredRow[]>(
        `SELECT file_name, kind, count(*)::int AS delivered, count(DISTINCT ordinal)::int AS distinct_ordinals
           FROM test_onec_catalog_records GROUP BY file_name, kind`,
      );
      const documents = await harness.db.query<DeliveredRow[]>(
        `SELECT file_name, 'document' AS kind, count(*)::int AS delivered,
                count(DISTINCT ordinal)::int AS distinct_ordinals
           FROM test_onec_sale_documents GROUP BY file_name`,
      );
      const delivered = [...catalog, ...documents];
      for (const file of FILES) {
        const summary = expected.get(file.name)!;
        const rows = delivered.filter((row) => row.file_name === file.name);
        const byKind = Object.fromEntries(rows.map((row) => [row.kind, row.delivered]));
        const expectedByKind = Object.fromEntries(Object.entries(summary.counts).filter(([, count]) => count > 0));
        expect({ file: file.name, byKind }).toEqual({ file: file.name, byKind: expectedByKind });
        for (const row of rows) {
          expect({ file: file.name, kind: row.kind, duplicates: row.delivered - row.distinct_ordinals }).toEqual({
            file: file.name,
            kind: row.kind,
            duplicates: 0,
          });
        }
      }

      const page = await harness.adminGet<{
        items: { state: string; recordsImported: number; files: { name: string; phase: string }[] }[];
      }>('/api/v1/admin/exchange-sessions');
      const [session] = page.items;
      expect(session.state).toBe('completed');
      const total = [...expected.values()].reduce((sum, summary) => sum + summary.totalRecords, 0);
      expect(session.recordsImported).toBe(total);
      for (const file of FILES) {
        expect(session.files.find((candidate) => candidate.name === file.name)?.phase).toBe('done');
      }
      const events = await harness.db.query<{ event: string }[]>('SELECT event FROM test_onec_catalog_events');
      expect(events.filter((event) => event.event === 'file_completed')).toHaveLength(
        [...expected.values()].filter((summary) => summary.documentKind !== 'documents').length,
      );
      expect(events.filter((event) => event.event === 'complete')).toHaveLength(1);
    });
  });
});

describe('an import interrupted by API restarts and spread over replicas', () => {
  let harness: OnecHarness;
  let generated: Awaited<ReturnType<typeof generateCommerceMl>>;
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'onec-restart-'));
    generated = await generateCommerceMl({ directory, products: 3_000, seed: 7 });
    // Every step delivers about one batch, so the import takes many steps.
    harness = await startOnecHarness({ ONEC_EXCHANGE_IMPORT_SLICE_MS: '10', ONEC_EXCHANGE_FILE_LIMIT: '1048576' });
  });
  afterAll(async () => {
    await harness?.close();
    await rm(directory, { recursive: true, force: true });
  });

  const files = (): FakeOnecFile[] => [
    { name: 'import0_1.xml', path: generated.importPath },
    { name: 'offers0_1.xml', path: generated.offersPath },
  ];

  const assertDeliveredOnce = async (sessionId: string) => {
    const [{ total, distinct }] = await harness.db.query<{ total: number; distinct: number }[]>(
      `SELECT count(*)::int AS total, count(DISTINCT (file_name, ordinal))::int AS distinct
         FROM test_onec_catalog_records WHERE session_id = $1`,
      [sessionId],
    );
    const expectedTotal =
      Object.values(generated.importCounts).reduce((sum, count) => sum + count, 0) +
      Object.values(generated.offersCounts).reduce((sum, count) => sum + count, 0);
    expect({ total, distinct }).toEqual({ total: expectedTotal, distinct: expectedTotal });
  };

  const lastSessionId = async () =>
    (
      await harness.db.query<{ id: string }[]>('SELECT id FROM onec_exchange_sessions ORDER BY created_at DESC LIMIT 1')
    )[0].id;

  it('resumes after each restart (one of them while the archive unpacks) and delivers every record once', async () => {
    const client = harness.client();
    let restarts = 0;
    let restartedWhileUnpacking = false;
    const result = await client.runCatalogExchange({
      files: files(),
      afterImportCall: async (reply, _file, call) => {
        const unpacking = reply.lines[1] === 'Unpacking the archive';
        if (reply.lines[0] === 'progress' && (call % 4 === 0 || unpacking) && restarts < 4) {
          restarts += 1;
          restartedWhileUnpacking ||= unpacking;
          await harness.restart();
          client.baseUrl = harness.api.url;
        }
      },
    });
    expect(result.failure).toBeUndefined();
    expect(result.zipped).toBe(true);
    expect(restartedWhileUnpacking).toBe(true);
    expect(restarts).toBe(4);
    expect(result.importCalls).toBeGreaterThan(8);
    await assertDeliveredOnce(await lastSessionId());
  });

  it('continues when successive steps land on different replicas', async () => {
    const second = await harness.startReplica();
    try {
      const client = harness.client();
      let call = 0;
      const result = await client.runCatalogExchange({
        files: files(),
        afterImportCall: () => {
          // A round-robin balancer: every import call goes to the other replica.
          call += 1;
          client.baseUrl = call % 2 === 0 ? harness.api.url : second.url;
          return Promise.resolve();
        },
      });
      expect(result.failure).toBeUndefined();
      await assertDeliveredOnce(await lastSessionId());
    } finally {
      await second.close();
    }
  });
});
