import type { FakeOnecFile } from '@app/testing';

// Small CommerceML 2.10 packages, written the way УТ 11 writes them, for scenarios the shared samples do not cover
// (partial and full packages, deletion marks, bad values).

export const CLASSIFIER_ID = '5e0a3a40-0000-4000-8000-00000000c1a5';
export const CATALOG_ID = '5e0a3a40-0000-4000-8000-0000000ca7a1';
export const GROUP_ID = '5e0a3a40-0000-4000-8000-00000000a001';
export const PRICE_TYPE_ID = '5e0a3a40-0000-4000-8000-00000000b001';
export const WAREHOUSE_ID = '5e0a3a40-0000-4000-8000-00000000d001';

export interface SampleProduct {
  readonly id: string;
  readonly name: string;
  readonly article?: string;
  readonly deleted?: boolean;
  readonly vat?: string;
}

export interface SampleOffer {
  readonly id: string;
  readonly name?: string;
  /** Written verbatim into `ЦенаЗаЕдиницу`. */
  readonly price?: string;
  readonly priceTypeId?: string;
  /** Written verbatim into `КоличествоНаСкладе`. */
  readonly stock?: string;
  readonly warehouseId?: string;
}

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_210" ВерсияСхемы="2.10" ДатаФормирования="2026-12-04T10:00:00">`;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `import.xml`: the classifier with one group, and the goods; `full` writes `СодержитТолькоИзменения="false"`. */
export function goodsFile(products: readonly SampleProduct[], { full }: { full: boolean }): FakeOnecFile {
  const goods = products
    .map(
      (product) => `
      <Товар>
        <Ид>${product.id}</Ид>
        <Артикул>${escape(product.article ?? `ART-${product.id.slice(-4)}`)}</Артикул>
        <Наименование>${escape(product.name)}</Наименование>
        <БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>
        <Группы><Ид>${GROUP_ID}</Ид></Группы>
        <СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>${product.vat ?? '22'}</Ставка></СтавкаНалога></СтавкиНалогов>
        <ПометкаУдаления>${product.deleted === true ? 'true' : 'false'}</ПометкаУдаления>
      </Товар>`,
    )
    .join('');
  const xml = `${HEADER}
  <Классификатор>
    <Ид>${CLASSIFIER_ID}</Ид>
    <Наименование>Классификатор (Основной каталог товаров)</Наименование>
    <Группы><Группа><Ид>${GROUP_ID}</Ид><Наименование>Напитки</Наименование></Группа></Группы>
  </Классификатор>
  <Каталог СодержитТолькоИзменения="${full ? 'false' : 'true'}">
    <Ид>${CATALOG_ID}</Ид>
    <ИдКлассификатора>${CLASSIFIER_ID}</ИдКлассификатора>
    <Наименование>Основной каталог товаров</Наименование>
    <Товары>${goods}
    </Товары>
  </Каталог>
</КоммерческаяИнформация>`;
  return { name: 'import0_1.xml', data: Buffer.from(xml, 'utf8') };
}

/** `offers.xml`: the price type, the warehouse and the offers with their price and stock. */
export function offersFile(offers: readonly SampleOffer[], { full }: { full: boolean }): FakeOnecFile {
  const body = offers
    .map(
      (offer) => `
      <Предложение>
        <Ид>${offer.id}</Ид>
        <Наименование>${escape(offer.name ?? 'Предложение')}</Наименование>
        <БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>${
          offer.price === undefined
            ? ''
            : `
        <Цены><Цена>
          <Представление>${escape(offer.price)} RUB за шт</Представление>
          <ИдТипаЦены>${offer.priceTypeId ?? PRICE_TYPE_ID}</ИдТипаЦены>
          <ЦенаЗаЕдиницу>${escape(offer.price)}</ЦенаЗаЕдиницу>
          <Валюта>RUB</Валюта>
          <Единица>шт</Единица>
          <Коэффициент>1</Коэффициент>
        </Цена></Цены>`
        }${
          offer.stock === undefined
            ? ''
            : `
        <Склад ИдСклада="${offer.warehouseId ?? WAREHOUSE_ID}" КоличествоНаСкладе="${escape(offer.stock)}"/>`
        }
      </Предложение>`,
    )
    .join('');
  const xml = `${HEADER}
  <ПакетПредложений СодержитТолькоИзменения="${full ? 'false' : 'true'}">
    <Ид>${CATALOG_ID}#</Ид>
    <Наименование>Пакет предложений (Основной каталог товаров)</Наименование>
    <ИдКаталога>${CATALOG_ID}</ИдКаталога>
    <ИдКлассификатора>${CLASSIFIER_ID}</ИдКлассификатора>
    <ТипыЦен><ТипЦены>
      <Ид>${PRICE_TYPE_ID}</Ид><Наименование>Розничная</Наименование><Валюта>RUB</Валюта>
      <Налог><Наименование>НДС</Наименование><УчтеноВСумме>true</УчтеноВСумме></Налог>
    </ТипЦены></ТипыЦен>
    <Склады><Склад><Ид>${WAREHOUSE_ID}</Ид><Наименование>Склад курьеров</Наименование></Склад></Склады>
    <Предложения>${body}
    </Предложения>
  </ПакетПредложений>
</КоммерческаяИнформация>`;
  return { name: 'offers0_1.xml', data: Buffer.from(xml, 'utf8') };
}
