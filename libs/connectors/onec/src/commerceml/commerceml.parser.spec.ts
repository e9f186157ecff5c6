import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  onecFixture,
  openFixture,
  sharedCommerceMlFixture,
  sharedFixturesDir,
} from '../../test-fixtures/fixture-paths';
import { CommerceMlSink } from './commerceml-sink.port';
import { parseCommerceMl } from './commerceml.parser';
import { COMMERCEML_RECORD_KINDS } from './commerceml.records';
import type {
  CommerceMlDocumentKind,
  CommerceMlRecord,
  CommerceMlRecordKind,
  DocumentRecord,
  GroupRecord,
  OfferRecord,
  PackageRecord,
  ParseSummary,
  ProductRecord,
  PropertyRecord,
  UnitRecord,
} from './commerceml.records';

async function parseAll(
  source: Readable,
  options: { batchSize?: number; skipRecords?: number } = {},
): Promise<{ records: CommerceMlRecord[]; summary: ParseSummary }> {
  const records: CommerceMlRecord[] = [];
  const summary = await parseCommerceMl(source, {
    ...options,
    onBatch: (batch) => {
      records.push(...batch);
      return Promise.resolve();
    },
  });
  return { records, summary };
}

function ofKind<K extends CommerceMlRecordKind>(
  records: CommerceMlRecord[],
  kind: K,
): Extract<CommerceMlRecord, { kind: K }>[] {
  return records.filter((record): record is Extract<CommerceMlRecord, { kind: K }> => record.kind === kind);
}

type Counts = Partial<Record<CommerceMlRecordKind, number>>;

interface ManifestExpectation {
  kind: CommerceMlDocumentKind;
  encoding: 'utf-8' | 'windows-1251';
  bom: boolean;
  version: string;
  counts: Counts;
  /** `Товар` lines over all documents */
  documentItems?: number;
}

// Counted independently of this parser (by walking each file with another XML library) and consistent with the
// element counts in MANIFEST.tsv: groups include nested ones, `package` is one per Классификатор/Каталог/
// ПакетПредложений section, document items are the MANIFEST's Товар counts of order files.
const MANIFEST_EXPECTATIONS: Record<string, ManifestExpectation> = {
  'TurumburumStudio-ExchangeCommerceML/storage/xml/classifier.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 2, group: 2, unit: 1, priceType: 7, warehouse: 14 },
  },
  'TurumburumStudio-ExchangeCommerceML/storage/xml/import.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 1, product: 11 },
  },
  'TurumburumStudio-ExchangeCommerceML/storage/xml/import_2.10_at_be8d909.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: false,
    version: '2.10',
    counts: { package: 2, group: 33, unit: 1, priceType: 2, warehouse: 6 },
  },
  'TurumburumStudio-ExchangeCommerceML/storage/xml/offers.xml': {
    kind: 'offers',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 1, offer: 12 },
  },
  'TurumburumStudio-ExchangeCommerceML/storage/xml/prices.xml': {
    kind: 'prices',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 1, offer: 3 },
  },
  'TurumburumStudio-ExchangeCommerceML/storage/xml/rests.xml': {
    kind: 'rests',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 1, offer: 12 },
  },
  'bigperson-exchange1c/tests/xml/import.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '2.08',
    counts: { package: 2, group: 5, property: 3, unit: 1, product: 2 },
  },
  'bigperson-exchange1c/tests/xml/offers.xml': {
    kind: 'offers',
    encoding: 'utf-8',
    bom: true,
    version: '2.08',
    counts: { package: 2, property: 1, priceType: 3, offer: 2 },
  },
  'carono-yii2-1c-exchange/files/xml/import.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '2.07',
    counts: { package: 2, group: 22, property: 10, product: 2 },
  },
  'carono-yii2-1c-exchange/files/xml/offers.xml': {
    kind: 'offers',
    encoding: 'utf-8',
    bom: true,
    version: '2.07',
    counts: { package: 2, priceType: 1, warehouse: 5, offer: 5 },
  },
  'dicrtarasov-yii2-exchange1c/doc/orders.xml': {
    kind: 'documents',
    encoding: 'utf-8',
    bom: true,
    version: '2.08',
    counts: { document: 1 },
    documentItems: 2,
  },
  'dobromyslov-commerceml-parser/data/import0_1.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '2.07',
    counts: { package: 2, group: 1, property: 12, product: 36 },
  },
  'dobromyslov-commerceml-parser/data/import0_1_with_nested_groups.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '2.07',
    counts: { package: 2, group: 13, property: 20, product: 283 },
  },
  'dobromyslov-commerceml-parser/data/offers0_1.xml': {
    kind: 'offers',
    encoding: 'utf-8',
    bom: true,
    version: '2.07',
    counts: { package: 2, priceType: 1, warehouse: 3, offer: 44 },
  },
  'irpsv-commerceml/tests/assets/bitrix-module-6/import.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 2, group: 1, unit: 1, priceType: 8, warehouse: 12 },
  },
  'irpsv-commerceml/tests/assets/bitrix-module-6/documents/1/documents.xml': {
    kind: 'documents',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { document: 20 },
    documentItems: 20,
  },
  'irpsv-commerceml/tests/assets/bitrix-module-6/documents/2/documents.xml': {
    kind: 'documents',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { document: 4 },
    documentItems: 4,
  },
  'irpsv-commerceml/tests/assets/bitrix-module-6/goods/1/import.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 1, product: 21 },
  },
  'irpsv-commerceml/tests/assets/bitrix-module-6/goods/1/offers.xml': {
    kind: 'offers',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 1, offer: 86 },
  },
  'irpsv-commerceml/tests/assets/bitrix-module-6/goods/1/prices.xml': {
    kind: 'prices',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 1, offer: 86 },
  },
  'irpsv-commerceml/tests/assets/bitrix-module-6/goods/1/rests.xml': {
    kind: 'rests',
    encoding: 'utf-8',
    bom: true,
    version: '3.1',
    counts: { package: 1, offer: 86 },
  },
  'irpsv-commerceml/tests/assets/off-doc-1c/import.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: false,
    version: '2.04',
    counts: { package: 2, group: 1, product: 4 },
  },
  'irpsv-commerceml/tests/assets/off-doc-1c/offers.xml': {
    kind: 'offers',
    encoding: 'utf-8',
    bom: false,
    version: '2.04',
    counts: { package: 1, priceType: 4, offer: 2 },
  },
  'irpsv-commerceml/tests/assets/off-doc-1c/orders.xml': {
    kind: 'documents',
    encoding: 'utf-8',
    bom: false,
    version: '2.03',
    counts: { document: 3 },
    documentItems: 2,
  },
  'irpsv-commerceml/tests/assets/umi-cms/import.xml': {
    kind: 'import',
    encoding: 'utf-8',
    bom: true,
    version: '2.04',
    counts: { package: 2, group: 1, property: 1, product: 3 },
  },
  'irpsv-commerceml/tests/assets/umi-cms/offers.xml': {
    kind: 'offers',
    encoding: 'utf-8',
    bom: true,
    version: '2.04',
    counts: { package: 1, priceType: 5, offer: 14 },
  },
  'dobromyslov-commerceml-parser/data/bitrix-query-response-empty.xml': {
    kind: 'empty',
    encoding: 'windows-1251',
    bom: false,
    version: '2.05',
    counts: {},
  },
  'dobromyslov-commerceml-parser/data/bitrix-query-response-full.xml': {
    kind: 'documents',
    encoding: 'windows-1251',
    bom: false,
    version: '2.05',
    counts: { document: 2 },
    documentItems: 8,
  },
};

function manifestFiles(): string[] {
  const manifest = readFileSync(`${sharedFixturesDir}/commerceml/MANIFEST.tsv`, 'utf8');
  return manifest
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0]);
}

describe('parseCommerceMl on every shared real-world fixture', () => {
  it('has an expectation for exactly the files MANIFEST.tsv lists', () => {
    expect(Object.keys(MANIFEST_EXPECTATIONS).sort()).toEqual(manifestFiles().sort());
  });

  it.each(Object.entries(MANIFEST_EXPECTATIONS))('%s', async (file, expected) => {
    const { records, summary } = await parseAll(openFixture(sharedCommerceMlFixture(file)));

    const counts = Object.fromEntries(COMMERCEML_RECORD_KINDS.map((kind) => [kind, expected.counts[kind] ?? 0]));
    expect(summary.counts).toEqual(counts);
    expect(summary).toMatchObject({
      documentKind: expected.kind,
      encoding: expected.encoding,
      bom: expected.bom,
      schemaVersion: expected.version,
      totalRecords: records.length,
      warnings: [],
    });
    expect(records.map((record) => record.ordinal)).toEqual(records.map((_, index) => index));
    const items = ofKind(records, 'document').reduce((sum, document) => sum + document.items.length, 0);
    expect(items).toBe(expected.documentItems ?? 0);
  });
});

describe('parseCommerceMl: catalogs', () => {
  it('reads an УТ 11 import: deleted goods, padded unit codes, numeric properties with comma decimals', async () => {
    const { records, summary } = await parseAll(
      openFixture(onecFixture('ok/ut11-catalog-deleted-product/import0_1.xml')),
    );

    expect(summary).toMatchObject({
      containsOnlyChanges: false,
      isFullSnapshot: true,
      generatedAt: '2020-04-07T13:16:06',
    });
    const products = ofKind(records, 'product');
    expect(products.filter((product) => product.deleted).map((product) => [product.id, product.status])).toEqual([
      ['b631c9c1-49de-11e9-80c9-0cc47ab29cd1', 'Удален'],
    ]);
    const first = products[0];
    expect(first).toMatchObject<Partial<ProductRecord>>({
      id: 'bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1',
      barcode: '8809288404089',
      article: 'PM-421-WP',
      groupIds: ['82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1'],
      description: null,
      manufacturer: { id: '018b11b8-18fa-11e7-80c2-0cc47ab29cd1', name: 'Crazy Boom' },
      taxRates: [{ name: 'НДС', rate: '20' }],
      fullName: 'Портативный коврик Portable 140x200x1 см, Деревянные лошадки',
    });
    expect(first.baseUnit).toEqual({
      code: '796',
      text: null,
      fullName: 'Штука',
      internationalAbbreviation: 'PCE',
      conversions: [{ unit: '796', coefficient: '1' }],
    });
    const property = (id: string) => first.properties.find((value) => value.propertyId === id)?.values;
    expect(property('38409b0c-29da-11e9-80c9-0cc47ab29cd1')).toEqual(['1.4']); // Габарит_Вес, Число, "1,4"
    expect(property('79a0056f-2483-11e9-80c9-0cc47ab29cd1')).toEqual(['0.01']); // Товар_Толщина, "0,01"
    expect(property('8d11c16f-1d64-11e9-80c9-0cc47ab29cd1')).toEqual(['149831179']); // Код ОЗОН, Строка
    expect(property('3268183f-18fa-11e7-80c2-0cc47ab29cd1')).toEqual(['af848a7e-18fa-11e7-80c2-0cc47ab29cd1']);
    const country = ofKind(records, 'property').find((candidate) => candidate.name === 'Страна производства');
    expect(country).toMatchObject<Partial<PropertyRecord>>({
      valueType: 'Справочник',
      values: [{ id: 'af848a7e-18fa-11e7-80c2-0cc47ab29cd1', value: 'КОРЕЯ, РЕСПУБЛИКА' }],
    });
  });

  it('emits nested groups parent first, each with its parent id', async () => {
    const { records } = await parseAll(openFixture(onecFixture('ok/nested-groups-2.10/import_2.10_at_be8d909.xml')));

    const groups = ofKind(records, 'group');
    const position = new Map(groups.map((group, index) => [group.id, index]));
    for (const group of groups) {
      if (group.parentId !== null) {
        expect(position.get(group.parentId)).toBeLessThan(position.get(group.id)!);
      }
    }
    expect(groups.slice(0, 3)).toMatchObject<Partial<GroupRecord>[]>([
      { id: '11ca3eb8-b3de-496d-a3d3-3a2844a8ff65', parentId: null, name: 'Купальники', versionNumber: '123' },
      { id: '9894b4f4-1103-40a0-a2bd-01609b14a927', parentId: '11ca3eb8-b3de-496d-a3d3-3a2844a8ff65', name: 'Цельные' },
      {
        id: 'e2a76bc5-1103-4bdf-a59b-d9295b2a1ea1',
        parentId: '11ca3eb8-b3de-496d-a3d3-3a2844a8ff65',
        name: 'Раздельные',
      },
    ]);
    expect(groups.filter((group) => group.parentId === null)).toHaveLength(4);
  });

  it('emits each section header before its entities, with partial-vs-full semantics', async () => {
    const { records, summary } = await parseAll(
      openFixture(onecFixture('ok/nested-groups-2.10/import_2.10_at_be8d909.xml')),
    );

    const packages = ofKind(records, 'package');
    expect(packages).toMatchObject<Partial<PackageRecord>[]>([
      {
        section: 'classifier',
        id: '2e4a5435-28b1-4d67-adf6-2a53489e62c6',
        containsOnlyChanges: true,
        isFullSnapshot: false,
      },
      { section: 'catalog', containsOnlyChanges: true, isFullSnapshot: false },
    ]);
    expect(records[0].kind).toBe('package');
    expect(records.findIndex((record) => record.kind === 'group')).toBeGreaterThan(0);
    expect(summary).toMatchObject({ containsOnlyChanges: true, isFullSnapshot: false });
  });

  it('treats a section without СодержитТолькоИзменения as not full, never as a full snapshot', async () => {
    const { records } = await parseAll(
      openFixture(sharedCommerceMlFixture('bigperson-exchange1c/tests/xml/import.xml')),
    );

    expect(
      ofKind(records, 'package').map((record) => [record.section, record.containsOnlyChanges, record.isFullSnapshot]),
    ).toEqual([
      ['classifier', null, false],
      ['catalog', false, true],
    ]);
    expect(ofKind(records, 'unit')).toMatchObject<Partial<UnitRecord>[]>([
      { id: '796', code: '796', fullName: 'Штука', internationalAbbreviation: 'PCE' },
    ]);
    expect(ofKind(records, 'product')[0]).toMatchObject({ code: 'NF-00005894', description: null });
  });

  it('reads 3.1 goods where БазоваяЕдиница is a unit reference and Вес an element', async () => {
    const { records } = await parseAll(
      openFixture(sharedCommerceMlFixture('TurumburumStudio-ExchangeCommerceML/storage/xml/import.xml')),
    );

    expect(ofKind(records, 'product')[0]).toMatchObject<Partial<ProductRecord>>({
      id: '58be8cc3-30c4-11de-9e68-00804829546f',
      versionNumber: 'AAAAAQAAAAk=44819',
      deleted: false,
      barcode: null,
      baseUnit: { code: null, text: '2009', fullName: null, internationalAbbreviation: null, conversions: [] },
      weight: '0',
    });
  });

  it('keeps product images as exchange-relative paths', async () => {
    const { records } = await parseAll(
      openFixture(sharedCommerceMlFixture('irpsv-commerceml/tests/assets/umi-cms/import.xml')),
    );

    expect(ofKind(records, 'product')[0].images).toEqual([
      'import_files/bd/bd72d92755bc11d9848a00112f43529a_80a7832b39c811e0a35a000b0d4caf68.jpg',
    ]);
  });
});

describe('parseCommerceMl: offers, prices, rests', () => {
  it('splits characteristic offers, reads prices, NBSP presentations and per-warehouse stock', async () => {
    const { records } = await parseAll(
      openFixture(sharedCommerceMlFixture('carono-yii2-1c-exchange/files/xml/offers.xml')),
    );

    expect(ofKind(records, 'offer')[0]).toMatchObject<Partial<OfferRecord>>({
      id: 'bd72d910-55bc-11d9-848a-00112f43529a#90c55447-d3a8-11e4-9423-e0cb4ed5eed4',
      productId: 'bd72d910-55bc-11d9-848a-00112f43529a',
      characteristicId: '90c55447-d3a8-11e4-9423-e0cb4ed5eed4',
      prices: [
        {
          priceTypeId: 'bb14a3a4-6b17-11e0-9819-e0cb4ed5eed4',
          pricePerUnit: '1719',
          currency: 'RUB',
          unit: null,
          coefficient: '1',
          presentation: '1 719 RUB за пара',
        },
      ],
      quantity: '20',
      stock: [{ warehouseId: 'b6112590-41ba-11dd-ac9d-0015e9b8c48d', quantity: '20' }],
    });
    expect(ofKind(records, 'warehouse')[0]).toMatchObject({
      name: 'Магазин "Обувь"',
      address: 'РОССИЯ ,Москва г ,Москва г ,34 ,1 ,',
    });
  });

  it('reads offer characteristics', async () => {
    const { records } = await parseAll(
      openFixture(sharedCommerceMlFixture('bigperson-exchange1c/tests/xml/offers.xml')),
    );

    expect(ofKind(records, 'offer')[0].characteristics).toEqual([{ id: null, name: 'Цвет', value: 'Бежевый' }]);
  });

  it('reads Bitrix rests packages (Остатки/Остаток/Склад) as stock lines', async () => {
    const { records, summary } = await parseAll(openFixture(onecFixture('ok/rests-package-3.1/rests.xml')));

    expect(summary.documentKind).toBe('rests');
    const offer = ofKind(records, 'offer')[0];
    expect(offer.prices).toEqual([]);
    expect(offer.stock).toHaveLength(14);
    expect(offer.stock[0]).toEqual({ warehouseId: 'b4a2a6c4-911d-11dd-a4af-00112f3000a2', quantity: '0' });
  });

  it('normalises value traps and reports what it cannot normalise', async () => {
    const { records, summary } = await parseAll(openFixture(onecFixture('ok/traps-prefixed-namespace/offers.xml')));

    expect(summary).toMatchObject({
      documentKind: 'offers',
      schemaVersion: '2.08',
      generatedAt: '2021-02-18T09:49:02',
    });
    const [offer, deleted] = ofKind(records, 'offer');
    expect(ofKind(records, 'package')[0].id).toBe('5f01a524-cdc4-4062-92c7-9234d9a3cbd1#');
    expect(offer).toMatchObject<Partial<OfferRecord>>({
      id: 'aa8085b0-ee4d-11e3-9438-00155d020201#9b62e395-ef8b-11e3-9438-00155d020201',
      name: 'Стол <обеденный> & стул',
      baseUnit: { code: '796', text: null, fullName: 'Штука', internationalAbbreviation: null, conversions: [] },
      quantity: '1.5',
      stock: [
        { warehouseId: 'wh-1', quantity: '1000' },
        { warehouseId: 'wh-2', quantity: null },
      ],
    });
    expect(offer.prices).toMatchObject([
      { priceTypeId: 'price-retail', pricePerUnit: '1234.50', presentation: '1 234,50 руб. за шт' },
      { priceTypeId: 'price-wholesale', pricePerUnit: null },
    ]);
    expect(deleted).toMatchObject({ id: 'deleted-offer', deleted: true, name: null, prices: [] });
    expect(summary.warnings).toEqual([
      { line: 21, column: 32, message: '"договорная" in <ЦенаЗаЕдиницу> is not a number' },
    ]);
  });
});

describe('parseCommerceMl: documents', () => {
  it('exposes 1C order states sent back through sale/file (2.08)', async () => {
    const { records, summary } = await parseAll(openFixture(onecFixture('ok/sale-file-from-1c-2.08/orders.xml')));

    expect(summary.documentKind).toBe('documents');
    const [document] = ofKind(records, 'document');
    expect(document).toMatchObject<Partial<DocumentRecord>>({
      id: '24c82d03-7149-11eb-80c0-7085c2ddb497',
      number: '13838',
      date: '2021-02-17',
      time: '00:00:00',
      operation: 'Заказ товара',
      amount: '1515',
      paymentDueDate: null, // 0001-01-01, 1C's empty date
      number1c: 'СА-013838',
      date1c: '2021-02-17T22:51:37',
      deleted: false,
      posted: true,
      paid: true,
      paymentNumber1c: 'НФНФ-000001',
      paymentDate1c: '2021-02-18T09:49:02', // sent as 2021-02-18T9:49:02
      shipped: true,
      shipmentNumber1c: 'НФНФ-000001',
      shipmentDate1c: '2021-02-18T09:49:02',
      cancelled: null,
      status: 'Отправлен',
      taxes: [{ name: 'НДС', includedInSum: true, amount: '0', rate: null }],
    });
    expect(document.items.map((item) => [item.id, item.pricePerUnit, item.quantity, item.amount])).toEqual([
      ['ORDER_DELIVERY', '405', '1', '405'],
      ['f37c0c86-28f7-11e2-8783-001d607b58e2', '370', '3', '1110'],
    ]);
    expect(document.requisites).toContainEqual({ name: 'ОтветственныйМенеджер', value: 'Ирина' });
    expect(document.counterparties).toMatchObject([{ id: '81c6c53b-4490-11e8-90de-b06ebf38f0a3', role: 'Покупатель' }]);
  });

  it('unwraps 3.1 Контейнер documents: trimmed Номер1С, 3.1 line prices and structured units', async () => {
    const { records } = await parseAll(
      openFixture(sharedCommerceMlFixture('irpsv-commerceml/tests/assets/bitrix-module-6/documents/2/documents.xml')),
    );

    const documents = ofKind(records, 'document');
    expect(documents.map((document) => [document.id, document.containerIndex, document.number1c])).toEqual([
      ['319', 0, 'L319'],
      ['479', 1, 'K479'],
      ['480', 2, 'K480'],
      ['481', 3, 'K481'],
    ]);
    expect(documents[1]).toMatchObject<Partial<DocumentRecord>>({
      versionNumber: 'AAACwwAAAAA=',
      date1c: '2017-08-01',
      posted: true,
      cancelled: false,
      shipped: true,
      shipmentNumber1c: 'О0000000966',
      shipmentDate1c: '2017-08-02T18:36:44',
      deleted: false,
    });
    expect(documents[1].counterparties[0].representatives).toEqual([
      { id: 'a535320b-3ea4-11e7-9489-00155d020201', name: '<>', relation: 'Контактное лицо' },
      { id: 'a5353209-3ea4-11e7-9489-00155d020201', name: 'Борисов Андрей Владимирович', relation: 'Контактное лицо' },
    ]);
    expect(documents[0].items[0]).toMatchObject({
      pricePerUnit: '1320',
      unit: { code: '796', text: 'шт', fullName: 'штука' },
      taxes: [{ name: 'НДС', includedInSum: false, amount: '0', rate: 'Без налога' }],
    });
  });

  it('reads the windows-1251 Bitrix sale/query reply, entities and multi-line text included', async () => {
    const { records, summary } = await parseAll(
      openFixture(onecFixture('ok/windows-1251-bitrix-sale-query/bitrix-query-response-full.xml')),
    );

    expect(summary).toMatchObject({ encoding: 'windows-1251', bom: false, generatedAt: '2021-02-12T17:03:19' });
    const [first, second] = ofKind(records, 'document');
    expect(first).toMatchObject<Partial<DocumentRecord>>({
      id: '132',
      date: '2021-02-11',
      time: '18:45:21',
      amount: '231.7400',
      status: '[N] Принят, ожидается оплата',
      statusId: 'N',
      paid: false,
      cancelled: false,
      comment: null,
    });
    expect(first.counterparties[0]).toMatchObject({ id: '38#catalog_exchange#', name: null, role: 'Покупатель' });
    expect(second.items).toHaveLength(7);
    expect(second.items[5].name).toBe(
      'Средство для мытья посуды "Mama Lemon" с ароматом лимона (закручивающаяся крышка Очень\n          Большой) 2150 мл',
    );
    expect(second.items[0]).toMatchObject({ pricePerUnit: '295.7900', quantity: '1.0000', amount: '295.79' });
  });

  it('reads 2.03 orders whose statuses are only requisites', async () => {
    const { records } = await parseAll(
      openFixture(sharedCommerceMlFixture('irpsv-commerceml/tests/assets/off-doc-1c/orders.xml')),
    );

    const documents = ofKind(records, 'document');
    expect(documents[0].counterparties[0]).toMatchObject({
      lastName: 'Иванов',
      address: {
        presentation: 'ггг',
        fields: [
          { type: 'Почтовый индекс', value: '1111' },
          { type: 'Улица', value: 'ггг' },
        ],
      },
      representatives: [{ id: 'b342955a9185c40132d4c1df6b30af2f', name: 'admin', relation: 'Контактное лицо' }],
    });
    expect(documents[1]).toMatchObject({
      number1c: 'MM92',
      date1c: '2015-08-12',
      posted: true,
      deleted: false,
      status: 'Открыт',
    });
  });

  it('calls a file with only sections it does not read unsupported, not empty', async () => {
    const xml =
      '<КоммерческаяИнформация ВерсияСхемы="3.1"><Контрагенты><Контрагент><Ид>1</Ид></Контрагент></Контрагенты></КоммерческаяИнформация>';
    const { records, summary } = await parseAll(Readable.from([Buffer.from(xml)]));

    expect(records).toEqual([]);
    expect(summary.documentKind).toBe('unsupported');
  });
});

describe('parseCommerceMl: batching, backpressure and resume', () => {
  const file = () =>
    openFixture(sharedCommerceMlFixture('dobromyslov-commerceml-parser/data/import0_1_with_nested_groups.xml'));

  it('delivers records in batches of batchSize, the last one possibly smaller', async () => {
    const sizes: number[] = [];
    const summary = await parseCommerceMl(file(), {
      batchSize: 50,
      onBatch: (batch) => {
        sizes.push(batch.length);
        return Promise.resolve();
      },
    });

    expect(summary.totalRecords).toBe(318);
    expect(sizes).toEqual([50, 50, 50, 50, 50, 50, 18]);
  });

  it('skips the first skipRecords records but still counts them', async () => {
    const all = await parseAll(file());
    const resumed = await parseAll(file(), { skipRecords: 137 });

    expect(resumed.records).toEqual(all.records.slice(137));
    expect(resumed.summary).toMatchObject({
      counts: all.summary.counts,
      totalRecords: 318,
      skippedRecords: 137,
      emittedRecords: 181,
    });
  });

  it('does not read further input while the sink is busy', async () => {
    const xml = Buffer.from(
      `<КоммерческаяИнформация><ПакетПредложений><Предложения>${'<Предложение><Ид>x</Ид></Предложение>'.repeat(20_000)}</Предложения></ПакетПредложений></КоммерческаяИнформация>`,
    );
    const chunkSize = 1024;
    const highWaterMark = 4;
    const totalChunks = Math.ceil(xml.length / chunkSize);
    let pulled = 0;
    const source = Readable.from(
      (function* chunks() {
        for (let offset = 0; offset < xml.length; offset += chunkSize) {
          pulled += 1;
          yield xml.subarray(offset, offset + chunkSize);
        }
      })(),
      { highWaterMark },
    );
    let firstBatch: { pulledBefore: number; pulledAfter: number } | undefined;
    await parseCommerceMl(source, {
      batchSize: 10,
      onBatch: async () => {
        if (!firstBatch) {
          const pulledBefore = pulled;
          await new Promise((resolve) => setTimeout(resolve, 30));
          firstBatch = { pulledBefore, pulledAfter: pulled };
        }
      },
    });

    expect(pulled).toBe(totalChunks);
    // While the sink works, the source only tops up its own buffer; it does not run ahead through the file.
    expect(firstBatch!.pulledAfter - firstBatch!.pulledBefore).toBeLessThanOrEqual(highWaterMark);
    expect(firstBatch!.pulledAfter).toBeLessThan(totalChunks / 10);
  });

  it('stops when the signal aborts, with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('exchange session reset');
    let batches = 0;
    const parsing = parseCommerceMl(file(), {
      batchSize: 10,
      signal: controller.signal,
      onBatch: () => {
        batches += 1;
        controller.abort(reason);
        return Promise.resolve();
      },
    });

    await expect(parsing).rejects.toBe(reason);
    expect(batches).toBe(1);
  });

  it('propagates a sink failure', async () => {
    class FailingSink extends CommerceMlSink {
      onBatch(_records: CommerceMlRecord[]): Promise<void> {
        return Promise.reject(new Error('staging table is full'));
      }
    }
    const sink = new FailingSink();

    await expect(parseCommerceMl(file(), { onBatch: (records) => sink.onBatch(records) })).rejects.toThrow(
      'staging table is full',
    );
  });

  it('rejects nonsensical options', async () => {
    const onBatch = () => Promise.resolve();
    await expect(parseCommerceMl(file(), { onBatch, batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(parseCommerceMl(file(), { onBatch, skipRecords: -1 })).rejects.toThrow(RangeError);
  });
});
