import { readFileSync } from 'node:fs';
import { waitFor } from '@app/testing';
import iconv from 'iconv-lite';
import { sharedCommerceMlXsd } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import {
  childNames,
  complexType,
  parseXmlTree,
  violations,
  xsdSequence,
} from '../../libs/connectors/onec/test-fixtures/xml-tree';
import { boardStages, portalProductOf, seedBoardStages, settled } from '../support/portal-board';
import { ACME, seedMasterData } from '../deliveries/deliveries-fixtures';
import {
  MASTER_DATA_MAPPING,
  type MasterDataHarness,
  startMasterDataHarness,
} from '../master-data/master-data-harness';
import {
  COURIER_A,
  type OrderBody,
  ordersAs,
  postedByOneC,
  RETAIL,
  seedSaleTerms,
  WATER,
} from './instant-orders-fixtures';

const ORDER_TYPE = 1040;
const ORDER_CATEGORY = 14;
const STAGES = boardStages(ORDER_TYPE, ORDER_CATEGORY, {
  draft: 'NEW',
  accepted: 'ACCEPTED',
  sent_to_1c: 'SENT',
  posted: 'SUCCESS',
  rejected_by_1c: 'FAIL_1C',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
});
const MAPPING = {
  entities: {
    ...MASTER_DATA_MAPPING.entities,
    instant_order: {
      entityTypeId: ORDER_TYPE,
      categoryId: ORDER_CATEGORY,
      fields: {
        title: 'title',
        amount: 'opportunity',
        responsible: 'assignedById',
        number: 'ufCrm7_Number',
        payment: 'ufCrm7_Payment',
        counterparty: 'ufCrm7_Counterparty',
        company: 'companyId',
        buyerName: 'ufCrm7_BuyerName',
        buyerPhone: 'ufCrm7_BuyerPhone',
        discountReason: 'ufCrm7_DiscountReason',
        rejectionReason: 'ufCrm7_Rejection',
        onecNumber: 'ufCrm7_OnecNumber',
        comment: 'ufCrm7_Comment',
      },
      stages: STAGES,
    },
  },
};

interface Item {
  id: number;
  xmlId: string | null;
  stageId: string;
  ufCrm7_Number?: string;
  ufCrm7_Rejection?: string;
  ufCrm7_OnecNumber?: string;
}

describe('instant orders a courier creates in Bitrix24: checked, adopted, and the item follows the order', () => {
  let harness: MasterDataHarness;
  let waterInPortal: number;
  const admin = ordersAs(() => harness, 'admin');
  const item = (id: number) =>
    harness.fake.items(ORDER_TYPE).find((candidate) => Number(candidate.id) === id) as unknown as Item;
  const settle = () => settled(harness);
  const ordersOfItem = (bitrixId: number) =>
    harness.query<{ id: string; status: string; total: string; source: string }>(
      'SELECT id, status, total::text, source FROM instant_orders WHERE bitrix_id = $1',
      [String(bitrixId)],
    );
  /** The courier (portal user 17, courier A) adds an item with its lines, as in the portal's UI. */
  const sell = (fields: Record<string, unknown>, rows: Record<string, unknown>[]) =>
    Number(
      harness.fake.uiAddItem(
        ORDER_TYPE,
        { title: 'Продажа у двери', categoryId: ORDER_CATEGORY, stageId: STAGES.draft, assignedById: 17, ...fields },
        { userId: 17, productRows: rows },
      ).id,
    );
  const water = (quantity: string, price = '49.9', extra: Record<string, unknown> = {}) => ({
    productId: waterInPortal,
    productName: 'Вода',
    price,
    quantity,
    taxRate: '22',
    taxIncluded: 'Y',
    measureCode: 796,
    ...extra,
  });

  beforeAll(async () => {
    harness = await startMasterDataHarness({
      mapping: MAPPING,
      smartProcesses: [{ entityTypeId: ORDER_TYPE, categories: [{ id: ORDER_CATEGORY }] }],
      outgoingEvents: ['ONCRMDYNAMICITEMADD', 'ONCRMDYNAMICITEMUPDATE'],
      env: { INSTANT_ORDERS_PRICE_TYPES: RETAIL },
    });
    seedBoardStages(
      harness,
      { entityTypeId: ORDER_TYPE, categoryId: ORDER_CATEGORY, stages: STAGES },
      { success: ['posted'], failure: ['rejected', 'cancelled', 'rejected_by_1c'] },
    );
    await seedMasterData(harness);
    await seedSaleTerms(harness);
    // Master data puts 1C's catalog in the portal: the courier picks water from it.
    waterInPortal = await portalProductOf(harness, WATER);
    await settle();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('turns the item into one order, however often its webhook arrives, and shows the order on it', async () => {
    // The courier picks the buyer among the portal's companies, which master data copies from 1C.
    const acme = await waitFor(
      () => Promise.resolve(harness.fake.items(4).find((company) => company.originId === ACME)),
      { what: 'ACME in the portal' },
    );
    const bitrixId = sell({ companyId: Number(acme.id), opportunity: 99.8 }, [water('2')]);
    await settle();
    // The portal delivers the add event twice more (Bitrix24 retries what it thinks failed).
    const add = harness.fake.deliveries.find(
      (delivery) => delivery.event === 'ONCRMDYNAMICITEMADD' && delivery.body.includes(`%5BID%5D=${bitrixId}`),
    );
    expect(add).toBeDefined();
    for (let n = 0; n < 2; n += 1) {
      await fetch(add!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: add!.body,
      });
    }
    await settle();

    const orders = await ordersOfItem(bitrixId);
    expect(orders).toEqual([
      { id: expect.any(String) as string, status: 'accepted', total: '99.80', source: 'bitrix24' },
    ]);
    const order = (await admin.get(`/${orders[0].id}`)).body as OrderBody;
    expect(order).toMatchObject({
      courierId: COURIER_A,
      buyer: { kind: 'known', counterpartyId: ACME },
      items: [{ productId: WATER, quantity: '2.000', amount: '99.80' }],
    });
    expect(item(bitrixId)).toMatchObject({ xmlId: order.id, stageId: STAGES.accepted, ufCrm7_Number: order.number });
    expect(harness.fake.items(ORDER_TYPE).filter((candidate) => candidate.xmlId === order.id)).toHaveLength(1);

    // 1C takes it through the CommerceML exchange and posts it: the item shows it.
    const exchange = await harness.onec().runSaleExchange({ documents: [postedByOneC(order.id)] });
    expect(exchange.failure).toBeUndefined();
    // One document for the item's three webhooks, in the shape of the shared CommerceML 2.10 XSD.
    const written = iconv.decode(exchange.query.bytes, 'win1251');
    expect(written.split(`<Ид>${order.id}</Ид>`)).toHaveLength(2);
    const xsd = parseXmlTree(readFileSync(sharedCommerceMlXsd('2.10'), 'utf8'));
    for (const document of parseXmlTree(written).children) {
      expect(violations(childNames(document), xsdSequence(xsd, complexType(xsd, 'Документ')))).toEqual([]);
    }
    await settle();
    expect(item(bitrixId)).toMatchObject({ stageId: STAGES.posted, ufCrm7_OnecNumber: 'СА-013838' });
    // The courier's move back to draft is set back.
    harness.fake.uiUpdateItem(ORDER_TYPE, bitrixId, { stageId: STAGES.draft }, { userId: 17 });
    await settle();
    expect(item(bitrixId).stageId).toBe(STAGES.posted);
    expect(((await admin.get(`/${order.id}`)).body as OrderBody).status).toBe('posted');
  });

  it('moves an item that breaks the rules to the rejected stage with the reasons, and sends nothing to 1C', async () => {
    // A price set by hand: 39.90 where the price list says 49.90.
    const bitrixId = sell({ ufCrm7_Counterparty: ACME }, [water('2', '39.9')]);
    await settle();
    expect(await ordersOfItem(bitrixId)).toEqual([]);
    expect(item(bitrixId).stageId).toBe(STAGES.rejected);
    expect(item(bitrixId).ufCrm7_Rejection).toMatch(/items\.0\.price: PRICE_MISMATCH: /);
    const query = await harness.onec().runSaleExchange();
    expect(query.query.text).not.toContain('39.9');
  });

  it('cancels the order when the courier moves its item to the cancelled stage', async () => {
    // A new buyer met at the door, with a discount per unit the portal keeps apart from the price.
    const bitrixId = sell(
      { ufCrm7_BuyerName: 'Анна', ufCrm7_BuyerPhone: '+7 900 000-00-02', ufCrm7_DiscountReason: 'loyalty' },
      [water('2', '47.9', { discountSum: '2' })],
    );
    await settle();
    const [order] = await ordersOfItem(bitrixId);
    // 2 × 49.90 = 99.80 less 2 × 2.00 = 95.80
    expect(order).toMatchObject({ status: 'accepted', total: '95.80' });
    harness.fake.uiUpdateItem(ORDER_TYPE, bitrixId, { stageId: STAGES.cancelled }, { userId: 17 });
    await settle();
    expect(((await admin.get(`/${order.id}`)).body as OrderBody).status).toBe('cancelled');
    expect(item(bitrixId).stageId).toBe(STAGES.cancelled);
  });
});
