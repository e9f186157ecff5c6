import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommerceMl } from '../../libs/connectors/onec/src/commerceml';
import { sharedCommerceMlFixture, sharedFixturesDir } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { CATALOG_SAMPLE_SETS, filesOf } from './catalog-sample-sets';
import { MasterDataHarness, startMasterDataHarness } from './master-data-harness';

/** MANIFEST.tsv: each shared sample with its element counts (`Товар=11 Группа=2`). */
function manifest(): Map<string, Record<string, number>> {
  const lines = readFileSync(join(sharedFixturesDir, 'commerceml', 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n');
  return new Map(
    lines.slice(1).map((line) => {
      const cells = line.split('\t');
      const counts = Object.fromEntries(
        (cells[8] ?? '')
          .split(' ')
          .filter(Boolean)
          .map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]),
      );
      return [cells[0], counts];
    }),
  );
}

const MANIFEST = manifest();

function manifestSum(set: readonly string[], element: string): number {
  return set.reduce((sum, path) => sum + (MANIFEST.get(path)?.[element] ?? 0), 0);
}

interface SampleIds {
  /** Element counts, as MANIFEST.tsv counts them. */
  readonly elements: { product: number; group: number; property: number };
  readonly products: Set<string>;
  readonly groups: Set<string>;
  readonly properties: Set<string>;
  readonly offers: Set<string>;
}

/** What the set's files declare, read with the connector's parser. */
async function idsOf(set: readonly string[]): Promise<SampleIds> {
  const ids: SampleIds = {
    elements: { product: 0, group: 0, property: 0 },
    products: new Set(),
    groups: new Set(),
    properties: new Set(),
    offers: new Set(),
  };
  for (const path of set) {
    await parseCommerceMl(createReadStream(sharedCommerceMlFixture(path)), {
      onBatch: (records) => {
        for (const record of records) {
          if (record.kind === 'product' || record.kind === 'group' || record.kind === 'property') {
            ids.elements[record.kind] += 1;
            ({ product: ids.products, group: ids.groups, property: ids.properties })[record.kind].add(record.id);
          } else if (record.kind === 'offer') {
            ids.offers.add(record.id);
          }
        }
        return Promise.resolve();
      },
    });
  }
  return ids;
}

async function mirrorIds(harness: MasterDataHarness, sql: string): Promise<Set<string>> {
  return new Set((await harness.query<{ id: string }>(sql)).map((row) => row.id));
}

/** Every row's write marker: equal before and after exactly when no row was written. */
async function rowMarkers(harness: MasterDataHarness): Promise<string[]> {
  const rows = await harness.query<{ marker: string }>(
    `SELECT table_name || ':' || onec_id || ':' || change_tx || ':' || updated_at AS marker FROM (
       ${[
         'md_products',
         'md_product_groups',
         'md_properties',
         'md_units',
         'md_price_types',
         'md_warehouses',
         'md_prices',
         'md_stock',
       ]
         .map((table) => `SELECT '${table}' AS table_name, onec_id, change_tx, updated_at FROM ${table}`)
         .join(' UNION ALL ')}) rows ORDER BY 1`,
  );
  return rows.map((row) => row.marker);
}

const announcements = async (harness: MasterDataHarness) =>
  (
    await harness.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE destination = 'master-data.bitrix24'`,
    )
  )[0].n;

describe.each(CATALOG_SAMPLE_SETS.map((set) => [set[0].split('/')[0], set]))(
  'a full catalog exchange of the shared samples of %s',
  (_name, set) => {
    let harness: MasterDataHarness;
    beforeAll(async () => {
      harness = await startMasterDataHarness({ worker: false });
    });
    afterAll(async () => harness?.close());

    it('fills the mirror with exactly the counts MANIFEST.tsv gives, and a repeat writes nothing', async () => {
      const first = await harness.onec().runCatalogExchange({ files: filesOf(set), complete: true });
      expect(first.failure).toBeUndefined();

      const declared = await idsOf(set);
      expect(declared.elements).toEqual({
        product: manifestSum(set, 'Товар'),
        group: manifestSum(set, 'Группа'),
        property: manifestSum(set, 'Свойство'),
      });
      // One row per Ид: a file that repeats an Ид (import_2.10_at_be8d909.xml declares two groups twice) has
      // fewer rows than elements.
      expect(await mirrorIds(harness, 'SELECT onec_id AS id FROM md_product_groups')).toEqual(declared.groups);
      expect(await mirrorIds(harness, 'SELECT onec_id AS id FROM md_properties')).toEqual(declared.properties);
      // Goods (some 1C exports write characteristics as goods: `<product>#<characteristic>`) and the variants
      // their offers name.
      const variants = [...declared.offers].filter((id) => id.includes('#'));
      expect(await mirrorIds(harness, 'SELECT onec_id AS id FROM md_products')).toEqual(
        new Set([...declared.products, ...variants]),
      );
      // Each offer is in the mirror: as a variant, a price or a stock level.
      expect(
        await mirrorIds(
          harness,
          `SELECT onec_id AS id FROM md_products WHERE parent_id IS NOT NULL
           UNION SELECT product_id FROM md_prices UNION SELECT product_id FROM md_stock`,
        ),
      ).toEqual(new Set([...declared.offers, ...[...declared.products].filter((id) => id.includes('#'))]));
      const offersFile = set.find((path) => /offers[^/]*\.xml$/.test(path));
      expect(declared.offers.size).toBe(offersFile ? (MANIFEST.get(offersFile)?.['Предложение'] ?? 0) : 0);

      const markers = await rowMarkers(harness);
      const announced = await announcements(harness);
      const second = await harness.onec().runCatalogExchange({ files: filesOf(set), complete: true });
      expect(second.failure).toBeUndefined();
      expect(await rowMarkers(harness)).toEqual(markers);
      expect(await announcements(harness)).toBe(announced);
    });
  },
);
