import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommerceMlRecord, OfferRecord, ProductRecord } from '@app/onec';
// The parser is the connector's internal: the generator is checked against it, not against its own idea of it.
import { parseCommerceMl } from '../../../../connectors/onec/src/commerceml';
import { generateCommerceMl } from './commerceml-generator';

describe('generateCommerceMl', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'commerceml-generator-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function parseFile(path: string) {
    const records: CommerceMlRecord[] = [];
    const summary = await parseCommerceMl(createReadStream(path), {
      onBatch: (batch) => {
        records.push(...batch);
        return Promise.resolve();
      },
    });
    return { records, summary };
  }

  it.each(['utf-8', 'windows-1251'] as const)(
    'writes %s files the parser reads with the announced counts',
    async (encoding) => {
      const generated = await generateCommerceMl({ directory, products: 300, seed: 7, encoding });

      const catalog = await parseFile(generated.importPath);
      const offers = await parseFile(generated.offersPath);
      expect(catalog.summary).toMatchObject({
        documentKind: 'import',
        encoding,
        bom: encoding === 'utf-8',
        warnings: [],
      });
      expect(offers.summary).toMatchObject({ documentKind: 'offers', encoding, warnings: [] });
      expect(catalog.summary.counts).toEqual(generated.importCounts);
      expect(offers.summary.counts).toEqual(generated.offersCounts);
      expect(generated.importCounts).toMatchObject({ package: 2, group: 130, property: 8, unit: 3, product: 300 });
      // Every 5th product has two characteristic offers (60, 6 of them deleted: 108 offers), every 50th is deleted
      // and has none; the other 240 have one each.
      expect(generated.offersCounts).toMatchObject({ package: 2, priceType: 3, warehouse: 5, offer: 348 });
      expect(catalog.summary.bytesRead).toBe(generated.importBytes);

      const products = catalog.records.filter((record): record is ProductRecord => record.kind === 'product');
      const offerRecords = offers.records.filter((record): record is OfferRecord => record.kind === 'offer');
      const liveProducts = new Set(products.filter((product) => !product.deleted).map((product) => product.id));
      expect(new Set(offerRecords.map((offer) => offer.productId))).toEqual(liveProducts);
      expect(products.filter((product) => product.deleted)).toHaveLength(6);
    },
  );

  it('reproduces the traps of real files', async () => {
    const generated = await generateCommerceMl({ directory, products: 10, seed: 3 });
    const { records, summary } = await parseFile(generated.offersPath);
    const catalog = await parseFile(generated.importPath);

    expect(summary.generatedAt).toBe('2024-03-01T09:05:01'); // written as T9:05:01
    const offer = records.find((record): record is OfferRecord => record.kind === 'offer')!;
    expect(offer.baseUnit?.code).toBe('796'); // written as "796 "
    expect(offer.prices[0].pricePerUnit).toMatch(/^\d+\.\d{2}$/); // product 0 carries a comma decimal
    expect(offer.prices[0].presentation).toMatch(/^\d{1,3}( \d{3})* RUB за шт$/); // NBSP thousands
    const product = catalog.records.find((record): record is ProductRecord => record.kind === 'product')!;
    expect(product.properties.slice(3, 7).every((property) => /^\d+\.\d+$/.test(property.values[0]))).toBe(true);
    expect(product.properties[7]).toMatchObject({ values: [] }); // <Значение/>
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const first = await generateCommerceMl({ directory: await mkdtemp(join(directory, 'a-')), products: 50, seed: 11 });
    const again = await generateCommerceMl({ directory: await mkdtemp(join(directory, 'b-')), products: 50, seed: 11 });
    const other = await generateCommerceMl({ directory: await mkdtemp(join(directory, 'c-')), products: 50, seed: 12 });

    expect(await readFile(first.importPath)).toEqual(await readFile(again.importPath));
    expect(await readFile(first.offersPath)).toEqual(await readFile(again.offersPath));
    expect(await readFile(first.importPath)).not.toEqual(await readFile(other.importPath));
  });
});
