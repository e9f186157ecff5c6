import { UnitOfWork } from '@app/core';
import type { FakeBitrix24, FakeOnecFile, RecordedRequest } from '@app/testing';
import { waitFor } from '@app/testing';
import { MirrorWriter } from '../../libs/master-data/src/application/mirror-writer.service';
import type { KindData } from '../../libs/master-data/src/domain/mirror-records';
import type { MasterDataHarness } from './master-data-harness';

// A small catalog written as 1C writes it, and what the suites of the Bitrix24 copies need to watch them.

export const CLASSIFIER = '5f1d0c55-0000-4000-8000-000000000001';
export const RETAIL = '5f1d0c55-0000-4000-8000-0000000000a1';
export const WHOLESALE = '5f1d0c55-0000-4000-8000-0000000000a2';
export const MAIN = '5f1d0c55-0000-4000-8000-0000000000b1';
export const VAN = '5f1d0c55-0000-4000-8000-0000000000b2';

export interface Goods {
  readonly id: string;
  readonly name: string;
  readonly article: string;
  readonly barcode?: string;
  /** `Статус="Удален"`: 1C's deletion mark. */
  readonly deleted?: boolean;
}

export interface Offer {
  /** `<product>` or `<product>#<characteristic>` (a variant). */
  readonly id: string;
  /** A variant's name; an offer of the product itself has none. */
  readonly name?: string;
  readonly prices?: Readonly<Record<string, string>>;
  /** Per warehouse `Склад@КоличествоНаСкладе`; `total` is `Количество` (every warehouse). */
  readonly stock?: Readonly<Record<string, string>>;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const header = '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.08">';

/** `import.xml`: the goods, as a full snapshot or a partial package (`СодержитТолькоИзменения`). */
export function importXml(goods: readonly Goods[], options: { full: boolean }): FakeOnecFile {
  const products = goods.map(
    (one) => `
      <Товар${one.deleted ? ' Статус="Удален"' : ''}>
        <Ид>${one.id}</Ид>
        <Артикул>${escape(one.article)}</Артикул>
        <Код>${escape(one.article)}-1C</Код>
        <Наименование>${escape(one.name)}</Наименование>
        <БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>
        ${one.barcode ? `<Штрихкод>${one.barcode}</Штрихкод>` : ''}
        <СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>22</Ставка></СтавкаНалога></СтавкиНалогов>
      </Товар>`,
  );
  const xml = `${header}
  <Классификатор><Ид>${CLASSIFIER}</Ид><Наименование>Классификатор</Наименование></Классификатор>
  <Каталог СодержитТолькоИзменения="${!options.full}">
    <Ид>${CLASSIFIER}</Ид><ИдКлассификатора>${CLASSIFIER}</ИдКлассификатора><Наименование>Каталог</Наименование>
    <Товары>${products.join('')}
    </Товары>
  </Каталог>
</КоммерческаяИнформация>`;
  return { name: 'import.xml', data: Buffer.from(xml) };
}

/** `offers.xml`: prices and stock of the offers, with the price types and warehouses they name. */
export function offersXml(offers: readonly Offer[], options: { full: boolean }): FakeOnecFile {
  const items = offers.map((offer) => {
    const prices = Object.entries(offer.prices ?? {}).map(
      ([type, price]) =>
        `<Цена><ИдТипаЦены>${type}</ИдТипаЦены><ЦенаЗаЕдиницу>${price}</ЦенаЗаЕдиницу><Валюта>руб</Валюта></Цена>`,
    );
    const stock = Object.entries(offer.stock ?? {}).map(([warehouse, quantity]) =>
      warehouse === 'total'
        ? `<Количество>${quantity}</Количество>`
        : `<Склад ИдСклада="${warehouse}" КоличествоНаСкладе="${quantity}"/>`,
    );
    return `
      <Предложение>
        <Ид>${offer.id}</Ид>
        ${offer.name ? `<Наименование>${escape(offer.name)}</Наименование>` : ''}
        ${prices.length > 0 ? `<Цены>${prices.join('')}</Цены>` : ''}
        ${stock.join('')}
      </Предложение>`;
  });
  const xml = `${header}
  <ПакетПредложений СодержитТолькоИзменения="${!options.full}">
    <Ид>${CLASSIFIER}#</Ид><Наименование>Пакет предложений</Наименование>
    <ИдКаталога>${CLASSIFIER}</ИдКаталога><ИдКлассификатора>${CLASSIFIER}</ИдКлассификатора>
    <ТипыЦен>
      <ТипЦены><Ид>${RETAIL}</Ид><Наименование>Розничная</Наименование><Валюта>руб</Валюта></ТипЦены>
      <ТипЦены><Ид>${WHOLESALE}</Ид><Наименование>Оптовая</Наименование><Валюта>руб</Валюта></ТипЦены>
    </ТипыЦен>
    <Склады>
      <Склад><Ид>${MAIN}</Ид><Наименование>Основной склад</Наименование></Склад>
      <Склад><Ид>${VAN}</Ид><Наименование>Машина курьера</Наименование></Склад>
    </Склады>
    <Предложения>${items.join('')}
    </Предложения>
  </ПакетПредложений>
</КоммерческаяИнформация>`;
  return { name: 'offers.xml', data: Buffer.from(xml) };
}

/** Runs a catalog exchange of these files to its end (`mode=complete`), failing the test on any failure. */
export async function exchange(harness: MasterDataHarness, files: FakeOnecFile[]): Promise<void> {
  const result = await harness.onec().runCatalogExchange({ files, complete: true });
  if (result.failure !== undefined) {
    throw new Error(`The catalog exchange failed: ${JSON.stringify(result.failure)}`);
  }
}

/** Waits until every announced mirror change has been handled by the worker's propagation. */
export async function propagated(harness: MasterDataHarness): Promise<void> {
  await waitFor(
    async () => {
      const [row] = await harness.query<{ open: number }>(
        `SELECT count(*)::int AS open FROM outbox_events
          WHERE destination = 'master-data.bitrix24' AND status <> 'delivered'`,
      );
      return row.open === 0;
    },
    { what: 'the mirror changes propagated to Bitrix24' },
  );
}

/** Writes records to the mirror as the JSON API would, announcing them in the same transaction. */
export async function writeMirror<K extends 'counterparties' | 'couriers'>(
  harness: MasterDataHarness,
  kind: K,
  records: readonly { readonly id: string; readonly version: number; readonly data: KindData[K] }[],
): Promise<void> {
  const app = harness.middleware.api.app;
  await app.get(UnitOfWork).run(() =>
    app.get(MirrorWriter).apply(
      kind,
      records.map((one) => ({
        kind,
        onecId: one.id,
        version: String(one.version),
        versionSeq: BigInt(one.version),
        deleted: false,
        source: 'api' as const,
        data: one.data,
      })),
      'api',
    ),
  );
}

/** The REST methods that wrote to the portal (batch commands one by one): `catalog.product.update`, … */
export function writesIn(requests: readonly RecordedRequest[]): string[] {
  return requests
    .flatMap((request) =>
      request.method === 'batch'
        ? Object.values((request.params.cmd ?? {}) as Record<string, string>).map((command) => command.split('?')[0])
        : [request.method],
    )
    .filter((method) => /\.(add|update|delete)$/.test(method));
}

/** The catalog as the portal shows it, by our external id. */
export function catalog(fake: FakeBitrix24): Map<string, Record<string, unknown>> {
  return new Map(fake.products().map((product) => [String(product.xmlId), product]));
}
