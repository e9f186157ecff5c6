import { waitFor } from '@app/testing';
import type { CounterpartyData } from '../../libs/master-data/src/domain/mirror-records';
import {
  catalog,
  exchange,
  importXml,
  MAIN,
  offersXml,
  propagated,
  RETAIL,
  VAN,
  WHOLESALE,
  writeMirror,
  writesIn,
  type Goods,
  type Offer,
} from './bitrix24-fixtures';
import { MasterDataHarness, startMasterDataHarness } from './master-data-harness';

const guid = (n: number) => `7c0de000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const TABLE = guid(1);
const CHAIR = guid(2);
const WARDROBE = guid(3);
const SHELF = guid(4);
const COMPANY = guid(11);
const PERSON = guid(12);
const COURIER = guid(21);
const COMPANY_TYPE = 4;
const CONTACT_TYPE = 3;
const APPLICATION_TOKEN = 'master-data-propagation-token';

const GOODS: Goods[] = [
  { id: TABLE, name: 'Стол складной', article: 'T-100', barcode: '4600000000017' },
  { id: CHAIR, name: 'Стул', article: 'S-200' },
  { id: WARDROBE, name: 'Шкаф', article: 'W-300', deleted: true },
  { id: SHELF, name: 'Полка', article: 'P-400' },
];
const OFFERS: Offer[] = [
  { id: TABLE, prices: { [RETAIL]: '1719', [WHOLESALE]: '1500' }, stock: { [MAIN]: '3', [VAN]: '2.5' } },
  { id: `${CHAIR}#red`, name: 'Стул красный', prices: { [RETAIL]: '500.50' }, stock: { [MAIN]: '1' } },
  // A variant 1C reports only in total; its price is the lowest, so the chair shows it.
  { id: `${CHAIR}#blue`, name: 'Стул синий', prices: { [RETAIL]: '450' }, stock: { total: '4' } },
  { id: WARDROBE, prices: { [RETAIL]: '9999' }, stock: { [MAIN]: '7' } },
];

const romashka: CounterpartyData = {
  type: 'organization',
  name: 'ООО «Ромашка»',
  fullName: 'Общество с ограниченной ответственностью «Ромашка»',
  inn: '7701234567',
  kpp: '770101001',
  phones: ['+7 495 000-00-01', '+7 (495) 000-00-02'],
  emails: ['office@romashka.example'],
  addresses: [{ type: 'Юридический адрес', presentation: 'Москва, ул. Полевая, 1' }],
};
const petrov: CounterpartyData = {
  type: 'person',
  name: 'Иван Петров',
  fullName: null,
  inn: null,
  kpp: null,
  phones: ['+7 900 111-22-33'],
  emails: [],
  addresses: [],
};

/** What the portal shows of a product, without the fields only the portal changes. */
function shown(product: Record<string, unknown>): Record<string, unknown> {
  const valueOf = (property: unknown) => (property as { value?: unknown } | null)?.value ?? null;
  return {
    name: product.name,
    code: product.code,
    purchasingPrice: product.purchasingPrice,
    purchasingCurrency: product.purchasingCurrency,
    quantity: product.quantity,
    active: product.active,
    measure: product.measure,
    vatRate: valueOf(product.property101),
    barcode: valueOf(product.property102),
  };
}

describe('master data propagated to Bitrix24', () => {
  let harness: MasterDataHarness;
  const products = () =>
    new Map<string, Record<string, unknown>>([...catalog(harness.fake)].map(([id, product]) => [id, shown(product)]));

  beforeAll(async () => {
    harness = await startMasterDataHarness({
      env: {
        MASTER_DATA_BITRIX24_PRICE_TYPE: 'Розничная',
        MASTER_DATA_RECONCILE_INTERVAL_MINUTES: '0',
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        BITRIX24_APPLICATION_TOKEN: APPLICATION_TOKEN,
      },
    });
    await exchange(harness, [importXml(GOODS, { full: true }), offersXml(OFFERS, { full: true })]);
    await propagated(harness);
  });
  afterAll(async () => harness?.close());

  it('holds exactly the products of the exchange, with the configured price and the stock summed over variants', () => {
    const common = { purchasingCurrency: 'RUB', active: 'Y', measure: 796, vatRate: '22' };
    expect(products()).toEqual(
      new Map([
        [
          TABLE,
          {
            ...common,
            name: 'Стол складной',
            code: 'T-100',
            purchasingPrice: '1719.000000',
            quantity: 5.5,
            barcode: '4600000000017',
          },
        ],
        [CHAIR, { ...common, name: 'Стул', code: 'S-200', purchasingPrice: '450.000000', quantity: 5, barcode: null }],
        // No offer: no price, nothing in stock.
        [
          SHELF,
          {
            ...common,
            name: 'Полка',
            code: 'P-400',
            purchasingPrice: null,
            purchasingCurrency: null,
            quantity: 0,
            barcode: null,
          },
        ],
      ]),
    );
  });

  it('makes no Bitrix24 write when the same exchange comes again', async () => {
    const events = await changeEvents(harness);
    harness.fake.clearRequests();

    await exchange(harness, [importXml(GOODS, { full: true }), offersXml(OFFERS, { full: true })]);
    await propagated(harness);

    expect(await changeEvents(harness)).toBe(events);
    expect(writesIn(harness.fake.requests)).toEqual([]);
  });

  it('updates exactly the product whose price a partial package changes', async () => {
    const before = products();
    harness.fake.clearRequests();

    await exchange(harness, [
      offersXml(
        [{ id: TABLE, prices: { [RETAIL]: '1800', [WHOLESALE]: '1500' }, stock: { [MAIN]: '3', [VAN]: '2.5' } }],
        {
          full: false,
        },
      ),
    ]);
    await propagated(harness);

    expect(writesIn(harness.fake.requests)).toEqual(['catalog.product.update']);
    expect(products()).toEqual(
      new Map([...before, [TABLE, { ...before.get(TABLE)!, purchasingPrice: '1800.000000' }]]),
    );
  });

  it('deactivates a product 1C marks deleted', async () => {
    const before = products();

    await exchange(harness, [importXml([{ ...GOODS[3], deleted: true }], { full: false })]);
    await propagated(harness);

    expect(products()).toEqual(new Map([...before, [SHELF, { ...before.get(SHELF)!, active: 'N' }]]));
  });

  it('leaves a product a partial package does not mention alone, and deactivates one a full package leaves out', async () => {
    const before = products();
    harness.fake.clearRequests();

    await exchange(harness, [importXml([GOODS[0]], { full: false })]);
    await propagated(harness);
    expect(writesIn(harness.fake.requests)).toEqual([]);
    expect(products()).toEqual(before);

    // The table, and the shelf still deleted; the chair is gone from 1C's catalog.
    await exchange(harness, [importXml([GOODS[0], { ...GOODS[3], deleted: true }], { full: true })]);
    await propagated(harness);
    expect(products()).toEqual(new Map([...before, [CHAIR, { ...before.get(CHAIR)!, active: 'N' }]]));
  });

  describe('counterparties', () => {
    const company = () => harness.fake.items(COMPANY_TYPE).filter((item) => item.originId === COMPANY);
    const phonesOf = (item: Record<string, unknown>) =>
      (item.fm as { typeId: string; value: string }[]).map((value) => `${value.typeId} ${value.value}`).sort();

    beforeAll(async () => {
      await writeMirror(harness, 'counterparties', [
        { id: COMPANY, version: 1, data: romashka },
        { id: PERSON, version: 1, data: petrov },
      ]);
      await propagated(harness);
    });

    it('become a company and a contact, carrying our id, with their phones and e-mails once', () => {
      expect(company()).toEqual([
        expect.objectContaining({
          title: 'ООО «Ромашка»',
          ufCrm_Inn: '7701234567',
          ufCrm_Kpp: '770101001',
          ufCrm_Address: 'Москва, ул. Полевая, 1',
          ufCrm_MmActive: 'Y',
        }),
      ]);
      expect(phonesOf(company()[0])).toEqual([
        'EMAIL office@romashka.example',
        'PHONE +7 (495) 000-00-02',
        'PHONE +7 495 000-00-01',
      ]);
      const contacts = harness.fake.items(CONTACT_TYPE).filter((item) => item.originId === PERSON);
      expect(contacts).toHaveLength(1);
      expect(contacts[0]).toMatchObject({ name: 'Иван Петров', ufCrm_MmActive: 'Y' });
      expect(phonesOf(contacts[0])).toEqual(['PHONE +7 900 111-22-33']);
    });

    it('update the same company without appending its phones and e-mails again', async () => {
      await writeMirror(harness, 'counterparties', [
        { id: COMPANY, version: 2, data: { ...romashka, name: 'ООО «Ромашка+»' } },
      ]);
      await propagated(harness);

      expect(company()).toEqual([expect.objectContaining({ title: 'ООО «Ромашка+»' })]);
      expect(phonesOf(company()[0])).toEqual([
        'EMAIL office@romashka.example',
        'PHONE +7 (495) 000-00-02',
        'PHONE +7 495 000-00-01',
      ]);
    });

    it('write nothing for a mirror change Bitrix24 does not show', async () => {
      harness.fake.clearRequests();
      const delivered = await changeEvents(harness);

      await writeMirror(harness, 'counterparties', [
        { id: COMPANY, version: 3, data: { ...romashka, name: 'ООО «Ромашка+»', fullName: 'ООО «Ромашка плюс»' } },
      ]);
      await propagated(harness);

      expect(await changeEvents(harness)).toBe(delivered + 1);
      expect(writesIn(harness.fake.requests)).toEqual([]);
    });
  });

  it('links a courier to the portal user carrying its 1C id, and writes no user', async () => {
    harness.fake.seed({ users: [{ ID: 42, NAME: 'Сергей', ACTIVE: true, UF_USR_1C_ID: COURIER }] });
    harness.fake.clearRequests();
    const courier = { name: 'Сергей Курьеров', phone: null, bitrixUserId: null, warehouseId: null, cashDeskId: null };

    await writeMirror(harness, 'couriers', [{ id: COURIER, version: 1, data: courier }]);
    await propagated(harness);

    const [row] = await harness.query<{ bitrix_id: string }>(`SELECT bitrix_id FROM md_couriers WHERE onec_id = $1`, [
      COURIER,
    ]);
    expect(row.bitrix_id).toBe('42');
    expect(writesIn(harness.fake.requests)).toEqual([]);
  });

  describe('edits made in Bitrix24', () => {
    let tableId: number;
    const mirror = () =>
      harness.query<Record<string, unknown>>(
        `SELECT onec_id, version, content_hash, deleted, deactivated, updated_at FROM md_products
         UNION ALL SELECT onec_id, version, content_hash, deleted, deactivated, updated_at FROM md_prices
         ORDER BY onec_id`,
      );
    const corrections = (entityId: string) =>
      harness.query<{ entity_type: string; outcome: string; request_body: string }>(
        `SELECT entity_type, outcome, request_body FROM integration_log
          WHERE operation = 'master-data.correction' AND entity_id = $1 ORDER BY id`,
        [entityId],
      );

    beforeAll(() => {
      tableId = Number(catalog(harness.fake).get(TABLE)!.id);
      harness.fake.addOutgoingWebhook({
        url: `${harness.middleware.api.url}/api/v1/webhooks/bitrix24`,
        events: ['CATALOG.PRODUCT.ON.ADD', 'CATALOG.PRODUCT.ON.UPDATE', 'ONCRMCOMPANYUPDATE'],
        applicationToken: APPLICATION_TOKEN,
      });
    });

    it("overwrite a field 1C owns with the mirror's value, log the correction, and leave the mirror alone", async () => {
      const before = products();
      const mirrorBefore = await mirror();

      harness.fake.uiUpdateProduct(
        tableId,
        { purchasingPrice: 99.9, name: 'Стол (правка в Битрикс24)' },
        { userId: 7 },
      );
      await harness.fake.settleDeliveries();

      const [correction] = await waitFor(
        async () => {
          const rows = await corrections(TABLE);
          return rows.length > 0 && rows;
        },
        { what: 'the correction of the edited product' },
      );
      expect(correction).toMatchObject({ entity_type: 'product', outcome: 'success' });
      expect(JSON.parse(correction.request_body)).toEqual({
        action: 'overwritten',
        bitrixId: String(tableId),
        learntFrom: 'webhook',
        differences: [
          { field: 'name', mirror: 'Стол складной', bitrix: 'Стол (правка в Битрикс24)' },
          { field: 'price', mirror: '1800', bitrix: '99.9' },
        ],
      });
      expect(products()).toEqual(before);
      expect(await mirror()).toEqual(mirrorBefore);
    });

    it('overwrite a company field the same way', async () => {
      const [item] = harness.fake.items(COMPANY_TYPE).filter((one) => one.originId === COMPANY);

      harness.fake.uiUpdateItem(COMPANY_TYPE, Number(item.id), { ufCrm_Inn: '0000000000' }, { userId: 7 });
      await harness.fake.settleDeliveries();

      await waitFor(async () => (await corrections(COMPANY)).length > 0, { what: 'the correction of the company' });
      expect(harness.fake.items(COMPANY_TYPE).find((one) => one.originId === COMPANY)).toMatchObject({
        ufCrm_Inn: '7701234567',
      });
    });

    it('leave alone a product made in Bitrix24 that carries no 1C id', async () => {
      const made = harness.fake.uiAddProduct({ name: 'Сделано в Битрикс24', purchasingPrice: 5 }, { userId: 7 });
      await harness.fake.settleDeliveries();

      await waitFor(
        async () => {
          const [row] = await harness.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM inbox_events WHERE source = 'bitrix24' AND status <> 'processed'`,
          );
          return row.n === 0;
        },
        { what: 'the inbound events processed' },
      );
      expect(harness.fake.products().find((one) => one.id === made.id)).toMatchObject({
        name: 'Сделано в Битрикс24',
        purchasingPrice: '5.000000',
      });
    });
  });
});

/** Every change announced for Bitrix24 so far. */
async function changeEvents(harness: MasterDataHarness): Promise<number> {
  const [row] = await harness.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox_events WHERE destination = 'master-data.bitrix24'`,
  );
  return row.n;
}
