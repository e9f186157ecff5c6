import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import yazl from 'yazl';
import type { DocumentRecord, ParseSummary } from '@app/onec';
import { parseCommerceMl } from '../../libs/connectors/onec/src/commerceml';
import { seedSaleOrders } from '@app/testing';
import { onecFixture, sharedCommerceMlXsd } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { SAMPLE_ORDER, SAMPLE_RETURN } from '../../libs/connectors/onec/test-fixtures/sale-documents';
import {
  childNames,
  complexType,
  firstChild,
  parseXmlTree,
  violations,
  xsdSequence,
} from '../../libs/connectors/onec/test-fixtures/xml-tree';
import { OnecHarness, startOnecHarness } from './onec-harness';

/** A real УТ 11 `sale/file` (CommerceML 2.08) about our order: 1C's document numbers, posting, payment, shipment. */
function documentsFromOneC(orderId: string): Buffer {
  const real = readFileSync(onecFixture('ok/sale-file-from-1c-2.08/orders.xml'), 'utf8');
  return Buffer.from(real.replace('<Ид>24c82d03-7149-11eb-80c0-7085c2ddb497</Ид>', `<Ид>${orderId}</Ид>`), 'utf8');
}

async function readDocuments(bytes: Buffer): Promise<{ documents: DocumentRecord[]; summary: ParseSummary }> {
  const documents: DocumentRecord[] = [];
  const summary = await parseCommerceMl(Readable.from([bytes]), {
    onBatch: (records) => {
      documents.push(...records.filter((record): record is DocumentRecord => record.kind === 'document'));
      return Promise.resolve();
    },
  });
  return { documents, summary };
}

async function zipOf(name: string, data: Buffer): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

interface OrderRow {
  id: string;
  exported_version: number | null;
  number_1c: string | null;
  posted: boolean | null;
  paid: boolean | null;
  shipped: boolean | null;
  payment_number_1c: string | null;
  status_1c: string | null;
}

describe('the sale exchange (windows-1251, as 1C-Bitrix answers)', () => {
  let harness: OnecHarness;
  const orders = () => harness.db.query<OrderRow[]>('SELECT * FROM test_onec_sale_orders ORDER BY id');
  const seed = (version = 1) =>
    seedSaleOrders(
      (sql, parameters) => harness.db.query(sql, parameters),
      [
        { document: SAMPLE_ORDER, version },
        { document: SAMPLE_RETURN, version },
      ],
    );

  beforeAll(async () => {
    harness = await startOnecHarness();
  });
  afterAll(async () => harness?.close());
  beforeEach(async () => {
    await harness.db.query('TRUNCATE test_onec_sale_orders, test_onec_sale_documents');
  });

  it('answers query with the waiting orders as a CommerceML document in the 2.10 XSD shape', async () => {
    await seed();
    const client = harness.client();
    const result = await client.runSaleExchange({ version: '2.08', skipSuccess: true });

    expect(result.query.contentType).toBe('application/xml; charset=windows-1251');
    const text = iconv.decode(result.query.bytes, 'win1251');
    expect(text.startsWith('<?xml version="1.0" encoding="windows-1251"?>')).toBe(true);
    const { documents, summary } = await readDocuments(result.query.bytes);
    expect(summary).toMatchObject({ documentKind: 'documents', encoding: 'windows-1251', schemaVersion: '2.10' });
    expect(documents.map((document) => document.id)).toEqual(['MM-1001', 'MM-R-17']);
    expect(documents[0]).toMatchObject({ number: '1001', amount: '2950.50', operation: 'Заказ товара' });

    const xsd = parseXmlTree(readFileSync(sharedCommerceMlXsd('2.10'), 'utf8'));
    const written = parseXmlTree(text);
    const documentSequence = xsdSequence(xsd, complexType(xsd, 'Документ'));
    for (const document of written.children) {
      expect(violations(childNames(document), documentSequence)).toEqual([]);
    }
    // The real 1C-Bitrix reply has the same document elements in the same order.
    const bitrix = parseXmlTree(
      iconv.decode(
        readFileSync(onecFixture('ok/windows-1251-bitrix-sale-query/bitrix-query-response-full.xml')),
        'win1251',
      ),
    );
    expect(childNames(written.children[0]).filter((name) => name !== 'Налоги')).toEqual(
      childNames(firstChild(bitrix, 'Документ')),
    );
    expect((await orders()).map((order) => order.exported_version)).toEqual([null, null]);
  });

  it('marks the orders exported only on success, and a repeated query does not send them again', async () => {
    await seed();
    const client = harness.client();
    const unconfirmed = await client.runSaleExchange({ skipSuccess: true });
    expect((await readDocuments(unconfirmed.query.bytes)).documents).toHaveLength(2);
    // 1C never said success: the same orders go out again.
    const confirmed = await client.runSaleExchange();
    expect((await readDocuments(confirmed.query.bytes)).documents).toHaveLength(2);
    expect(confirmed.success?.lines[0]).toBe('success');
    expect((await orders()).map((order) => order.exported_version)).toEqual([1, 1]);

    const again = await client.runSaleExchange();
    const { documents, summary } = await readDocuments(again.query.bytes);
    expect(documents).toEqual([]);
    expect(summary.documentKind).toBe('empty');

    const [session] = (
      await harness.adminGet<{ items: { type: string; ordersExported: number }[] }>(
        '/api/v1/admin/exchange-sessions?type=sale',
      )
    ).items.slice(1, 2);
    expect(session.ordersExported).toBe(2);
  });

  it('sends an order changed between query and success again', async () => {
    await seed();
    const client = harness.client();
    await client.checkauth('sale');
    await client.init('sale', '2.08');
    const query = await client.call('sale', 'query', {});
    expect((await readDocuments(query.bytes)).documents).toHaveLength(2);
    await harness.db.query(`UPDATE test_onec_sale_orders SET version = 2 WHERE id = 'MM-1001'`);
    expect((await client.call('sale', 'success', {})).lines[0]).toBe('success');

    expect((await orders()).map((order) => [order.id, order.exported_version])).toEqual([
      ['MM-1001', null],
      ['MM-R-17', 1],
    ]);
    const next = await harness.client().runSaleExchange();
    expect((await readDocuments(next.query.bytes)).documents.map((document) => document.id)).toEqual(['MM-1001']);
  });

  it.each([
    ['an XML file (1C temp name)', 'v8_8789_c.xml', false],
    ['a zip archive', 'v8_8789_c.zip', true],
  ])("applies 1C's documents sent back as %s: status, posting, payment and 1C numbers", async (_how, name, zip) => {
    await seed();
    const data = documentsFromOneC('MM-1001');
    const result = await harness.client().runSaleExchange({
      documents: [{ name, data: zip ? await zipOf('documents.xml', data) : data }],
    });
    expect(result.failure).toBeUndefined();
    expect(result.documentReplies.at(-1)).toMatch(/^success/);

    const [order] = await orders();
    expect(order).toMatchObject({
      id: 'MM-1001',
      number_1c: 'СА-013838',
      posted: true,
      paid: true,
      payment_number_1c: 'НФНФ-000001',
      shipped: true,
      status_1c: 'Отправлен',
    });
    const received = await harness.db.query<{ document_id: string }[]>(
      'SELECT document_id FROM test_onec_sale_documents',
    );
    expect(received).toEqual([{ document_id: 'MM-1001' }]);
  });

  it('applies the documents within mode=file when 1C sent no version on init (the old flow)', async () => {
    await seed();
    const result = await harness.client().runSaleExchange({
      version: null,
      documents: [{ name: 'orders.xml', data: documentsFromOneC('MM-R-17') }],
    });
    expect(result.documentReplies).toEqual([expect.stringMatching(/^success/)]);
    expect((await orders()).find((order) => order.id === 'MM-R-17')).toMatchObject({ posted: true, shipped: true });
  });
});

describe('the sale exchange in UTF-8', () => {
  let harness: OnecHarness;

  beforeAll(async () => {
    harness = await startOnecHarness({ ONEC_EXCHANGE_ENCODING: 'utf-8', ONEC_SALE_SCHEMA_VERSION: '2.08' });
  });
  afterAll(async () => harness?.close());

  it('writes the query with a byte order mark, a matching declaration and header', async () => {
    await seedSaleOrders((sql, parameters) => harness.db.query(sql, parameters), [{ document: SAMPLE_ORDER }]);
    const client = harness.client();
    const result = await client.runSaleExchange({ version: '2.08' });

    expect(result.query.contentType).toBe('application/xml; charset=utf-8');
    expect([...result.query.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(result.query.bytes.subarray(3, 41).toString('utf8')).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    const { documents, summary } = await readDocuments(result.query.bytes);
    expect(summary).toMatchObject({ bom: true, encoding: 'utf-8', schemaVersion: '2.08' });
    expect(documents[0].comment).toBe(SAMPLE_ORDER.comment);
    // init answered the version 1C is to use, and the sessid, as 1C-Bitrix does when 1C sends a version.
    const init = client.transcript.find((call) => call.mode === 'init');
    expect(init?.text).toMatch(/^zip=yes\nfile_limit=1048576\nsessid=[0-9a-f]{32}\nversion=2\.08$/);
  });
});
