import { catalog, exchange, propagated } from './bitrix24-fixtures';
import { CATALOG_SAMPLE_SETS, filesOf } from './catalog-sample-sets';
import { MasterDataHarness, startMasterDataHarness } from './master-data-harness';

/**
 * The catalog sets whose goods make catalog products. Left out: the 2.10 sample (groups only), the nested-groups
 * export (no offers, so no prices or stock to check), and irpsv's `off-doc-1c`, whose goods are all characteristics
 * (`<product>#<characteristic>`) of products it never declares, so the mirror holds no base product for the catalog
 * to show (an open question of the mirror's model).
 */
const SETS = CATALOG_SAMPLE_SETS.filter(
  (set) => !/import_2\.10_at_|import0_1_with_nested_groups|off-doc-1c/.test(set[0]),
);

/**
 * Each active base product of the mirror with the price and quantity its catalog entry must show, worked out in SQL
 * from the rules rather than by the code under test: the first price type 1C sent (by receipt, then 1C id), the
 * product's own price or else its variants' lowest; stock of the product and its active variants over every
 * warehouse, an offer's per-warehouse rows beating its total row.
 */
const EXPECTED = `
  WITH chosen AS (
    SELECT onec_id FROM md_price_types WHERE NOT deleted AND NOT deactivated ORDER BY created_at, onec_id LIMIT 1
  ), bases AS (
    SELECT onec_id FROM md_products WHERE parent_id IS NULL AND NOT deleted AND NOT deactivated
  ), offers AS (
    SELECT onec_id AS base, onec_id AS offer FROM bases
    UNION ALL
    SELECT v.parent_id, v.onec_id FROM md_products v JOIN bases b ON b.onec_id = v.parent_id
     WHERE NOT v.deleted AND NOT v.deactivated
  ), prices AS (
    SELECT o.base, p.product_id = o.base AS own, p.price FROM offers o JOIN md_prices p ON p.product_id = o.offer
     WHERE p.price_type_id = (SELECT onec_id FROM chosen) AND NOT p.deleted AND NOT p.deactivated
  ), stock AS (
    SELECT o.base, s.quantity FROM offers o JOIN md_stock s ON s.product_id = o.offer
     WHERE NOT s.deleted AND NOT s.deactivated
       AND (s.warehouse_id IS NOT NULL OR NOT EXISTS (
             SELECT 1 FROM md_stock w WHERE w.product_id = s.product_id AND w.warehouse_id IS NOT NULL
                AND NOT w.deleted AND NOT w.deactivated))
  )
  SELECT b.onec_id AS id,
         (SELECT price FROM prices p WHERE p.base = b.onec_id ORDER BY own DESC, price LIMIT 1)::text AS price,
         COALESCE((SELECT sum(quantity) FROM stock s WHERE s.base = b.onec_id), 0)::text AS quantity
    FROM bases b`;

describe.each(SETS.map((set) => [set[0].split('/')[0], set] as const))(
  'the Bitrix24 catalog after a full exchange of the shared samples of %s',
  (_name, set) => {
    let harness: MasterDataHarness;
    beforeAll(async () => {
      harness = await startMasterDataHarness({
        env: { MASTER_DATA_RECONCILE_INTERVAL_MINUTES: '0', BITRIX24_RECONCILE_INTERVAL_MS: '0' },
      });
    });
    afterAll(async () => harness?.close());

    it('holds exactly the active products of the mirror, each with its price and stock', async () => {
      await exchange(harness, filesOf(set));
      await propagated(harness);

      const expected = await harness.query<{ id: string; price: string | null; quantity: string }>(EXPECTED);
      expect(expected.length).toBeGreaterThan(0);
      const shown = catalog(harness.fake);
      expect([...shown.keys()].sort()).toEqual(expected.map((row) => row.id).sort());
      for (const row of expected) {
        const product = shown.get(row.id)!;
        expect({ id: row.id, price: product.purchasingPrice, quantity: product.quantity }).toEqual({
          id: row.id,
          price: row.price === null ? null : Number(row.price).toFixed(6),
          quantity: Number(row.quantity),
        });
      }
    });
  },
);
