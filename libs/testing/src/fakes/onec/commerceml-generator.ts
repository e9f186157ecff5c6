import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { COMMERCEML_RECORD_KINDS, type CommerceMlRecordKind } from '@app/onec';

export interface GenerateCommerceMlOptions {
  directory: string;
  products: number;
  /** Same seed, same bytes. */
  seed?: number;
  encoding?: 'utf-8' | 'windows-1251';
  /** `СодержитТолькоИзменения="true"`: a package of changes, not a full snapshot that retires what it leaves out. */
  changesOnly?: boolean;
}

export interface GeneratedCommerceMl {
  importPath: string;
  offersPath: string;
  importBytes: number;
  offersBytes: number;
  /** the records parseCommerceMl must find in each file */
  importCounts: Record<CommerceMlRecordKind, number>;
  offersCounts: Record<CommerceMlRecordKind, number>;
  /** `Ид` of each product neither marked deleted nor split into characteristics, in file order. */
  plainProductIds: string[];
}

const GROUP_FANOUT = [10, 4, 2]; // top-level groups, children per group, grandchildren per child
const WAREHOUSES = ['Москва', 'Санкт-Петербург', 'Казань', 'Новосибирск', 'Владивосток'];
const PRICE_TYPES = ['Розничная', 'Оптовая', 'Закупочная'];
const UNITS: [code: string, short: string, full: string, international: string][] = [
  ['796', 'шт', 'Штука', 'PCE'],
  ['166', 'кг', 'Килограмм', 'KGM'],
  ['006', 'м', 'Метр', 'MTR'],
];
const DICTIONARY_PROPERTIES: [name: string, values: string[]][] = [
  ['Страна производства', ['Россия', 'Китай', 'Корея, Республика', 'Германия', 'Италия', 'Турция']],
  ['Материал', ['Дерево', 'Металл', 'Пластик', 'Стекло', 'Ткань']],
  ['Цвет', ['Белый', 'Чёрный', 'Красный', 'Зелёный', 'Синий', 'Серый', 'Бежевый']],
];
const NUMBER_PROPERTIES = ['Вес, кг', 'Длина, см', 'Ширина, см', 'Гарантия, мес'];
const STRING_PROPERTY = 'Код поставщика';
const NOUNS = ['Стол', 'Стул', 'Шкаф', 'Коврик', 'Светильник', 'Полка', 'Кресло', 'Комод', 'Зеркало', 'Диван'];
const ADJECTIVES = ['Складной', 'Угловой', 'Детский', 'Офисный', 'Садовый', 'Кухонный', 'Дорожный', 'Большой'];
const MAKERS = ['Crazy Boom', 'Мебельград', 'Лесная сказка', 'ООО «Уют & Ко»', 'Nordic Home', 'Фабрика №5'];
const DESCRIPTION =
  'Прочная конструкция и аккуратная отделка: изделие прослужит долгие годы. Подходит для дома, дачи и офиса; ' +
  'легко собирается без специальных инструментов. Уход — протирать влажной тканью, не использовать абразивы. ' +
  'Размеры указаны «в собранном виде», допуск ±2 мм. Комплектация & инструкция на русском языке.';
const NBSP = '\u00a0';
// Output is batched into strings of about this many characters before it is encoded and written.
const FLUSH_AT = 64 * 1024;

/**
 * Streams a synthetic УТ 11-style `import.xml` (classifier + catalog) and the matching `offers.xml` to disk without
 * holding either in memory. It reproduces the traps of real files: padded unit codes, comma decimals, NBSP thousands
 * separators in price presentations, empty elements, deleted goods, characteristic offers (`<product>#<char>`).
 */
export async function generateCommerceMl(options: GenerateCommerceMlOptions): Promise<GeneratedCommerceMl> {
  const encoding = options.encoding ?? 'utf-8';
  const seed = options.seed ?? 1;
  const shape = new CatalogShape(seed);
  const importPath = join(options.directory, 'import.xml');
  const offersPath = join(options.directory, 'offers.xml');
  const importCounts = zeroCounts();
  const offersCounts = zeroCounts();

  const importFile = new EncodedFileWriter(importPath, encoding);
  await shape.writeImport(importFile, options.products, importCounts, options.changesOnly ?? false);
  const importBytes = await importFile.finish();

  const offersFile = new EncodedFileWriter(offersPath, encoding);
  await shape.writeOffers(offersFile, options.products, offersCounts, options.changesOnly ?? false);
  const offersBytes = await offersFile.finish();

  const plainProductIds = Array.from({ length: options.products }, (_, index) => shape.product(index))
    .filter((product) => !product.deleted && product.characteristics.length === 0)
    .map((product) => product.id);
  return { importPath, offersPath, importBytes, offersBytes, importCounts, offersCounts, plainProductIds };
}

interface GroupShape {
  id: string;
  name: string;
  children: GroupShape[];
}

interface ProductShape {
  id: string;
  name: string;
  article: string;
  deleted: boolean;
  characteristics: { id: string; color: string }[];
}

/** The classifier (groups, properties, warehouses, …) and a way to rebuild product `i` identically for both files. */
class CatalogShape {
  private readonly random: () => number;
  readonly catalogId: string;
  readonly groups: GroupShape[];
  readonly leafGroups: string[] = [];
  readonly dictionaries: { id: string; name: string; values: { id: string; value: string }[] }[];
  readonly numberProperties: { id: string; name: string }[];
  readonly stringProperty: { id: string; name: string };
  readonly warehouses: { id: string; name: string }[];
  readonly priceTypes: { id: string; name: string }[];
  readonly makers: { id: string; name: string }[];

  constructor(private readonly seed: number) {
    this.random = mulberry32(seed);
    this.catalogId = guid(this.random);
    this.groups = this.makeGroups(0, 'Раздел');
    this.dictionaries = DICTIONARY_PROPERTIES.map(([name, values]) => ({
      id: guid(this.random),
      name,
      values: values.map((value) => ({ id: guid(this.random), value })),
    }));
    this.numberProperties = NUMBER_PROPERTIES.map((name) => ({ id: guid(this.random), name }));
    this.stringProperty = { id: guid(this.random), name: STRING_PROPERTY };
    this.warehouses = WAREHOUSES.map((name) => ({ id: guid(this.random), name }));
    this.priceTypes = PRICE_TYPES.map((name) => ({ id: guid(this.random), name }));
    this.makers = MAKERS.map((name) => ({ id: guid(this.random), name }));
  }

  product(index: number): ProductShape {
    const random = mulberry32(this.seed * 1_000_003 + index);
    const id = guid(random);
    const noun = pick(random, NOUNS);
    return {
      id,
      name: `${pick(random, ADJECTIVES)} ${noun.toLowerCase()} "${noun}-${index}"`,
      article: `ART-${index.toString().padStart(7, '0')}`,
      deleted: index % 50 === 49,
      characteristics:
        index % 5 === 4
          ? [guid(random), guid(random)].map((characteristicId, n) => ({
              id: characteristicId,
              color: this.dictionaries[2].values[n].value,
            }))
          : [],
    };
  }

  /** Prolog, root and the opening of the classifier, as 1C writes them (time without a leading zero included). */
  private writeOpening(out: EncodedFileWriter, time: string): void {
    out.write(`<?xml version="1.0" encoding="${out.declaredEncoding}"?>\n`);
    out.write(
      `<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07" ДатаФормирования="2024-03-01T${time}">\n`,
    );
    out.write(
      `\t<Классификатор>\n\t\t<Ид>${this.catalogId}</Ид>\n\t\t<Наименование>Классификатор (Каталог)</Наименование>\n`,
    );
  }

  async writeImport(
    out: EncodedFileWriter,
    products: number,
    counts: Record<CommerceMlRecordKind, number>,
    changesOnly: boolean,
  ): Promise<void> {
    this.writeOpening(out, '9:05:00');
    counts.package += 1;
    out.write('\t\t<Группы>\n');
    this.writeGroups(out, this.groups, 3, counts);
    out.write('\t\t</Группы>\n\t\t<Свойства>\n');
    for (const property of this.dictionaries) {
      const variants = property.values
        .map(
          (value) =>
            `<Справочник><ИдЗначения>${value.id}</ИдЗначения><Значение>${escape(value.value)}</Значение></Справочник>`,
        )
        .join('');
      out.write(
        `\t\t\t<Свойство><Ид>${property.id}</Ид><Наименование>${property.name}</Наименование><ТипЗначений>Справочник</ТипЗначений><ВариантыЗначений>${variants}</ВариантыЗначений></Свойство>\n`,
      );
    }
    for (const property of [...this.numberProperties, this.stringProperty]) {
      const type = property === this.stringProperty ? 'Строка' : 'Число';
      out.write(
        `\t\t\t<Свойство><Ид>${property.id}</Ид><Наименование>${property.name}</Наименование><ТипЗначений>${type}</ТипЗначений></Свойство>\n`,
      );
    }
    counts.property += this.dictionaries.length + this.numberProperties.length + 1;
    out.write('\t\t</Свойства>\n\t\t<ЕдиницыИзмерения>\n');
    for (const [code, short, full, international] of UNITS) {
      out.write(
        `\t\t\t<ЕдиницаИзмерения><Код>${code} </Код><НаименованиеКраткое>${short}</НаименованиеКраткое><НаименованиеПолное>${full.padEnd(40)}</НаименованиеПолное><МеждународноеСокращение>${international}</МеждународноеСокращение></ЕдиницаИзмерения>\n`,
      );
    }
    counts.unit += UNITS.length;
    out.write('\t\t</ЕдиницыИзмерения>\n\t</Классификатор>\n');

    out.write(
      `\t<Каталог СодержитТолькоИзменения="${changesOnly}">\n\t\t<Ид>${this.catalogId}</Ид>\n\t\t<ИдКлассификатора>${this.catalogId}</ИдКлассификатора>\n\t\t<Наименование>Каталог</Наименование>\n\t\t<Товары>\n`,
    );
    counts.package += 1;
    for (let index = 0; index < products; index += 1) {
      this.writeProduct(out, index);
      counts.product += 1;
      await out.drainIfFull();
    }
    out.write('\t\t</Товары>\n\t</Каталог>\n</КоммерческаяИнформация>\n');
  }

  async writeOffers(
    out: EncodedFileWriter,
    products: number,
    counts: Record<CommerceMlRecordKind, number>,
    changesOnly: boolean,
  ): Promise<void> {
    this.writeOpening(out, '9:05:01');
    out.write('\t</Классификатор>\n');
    out.write(
      `\t<ПакетПредложений СодержитТолькоИзменения="${changesOnly}">\n\t\t<Ид>${this.catalogId}#</Ид>\n\t\t<Наименование>Пакет предложений</Наименование>\n\t\t<ИдКаталога>${this.catalogId}</ИдКаталога>\n\t\t<ИдКлассификатора>${this.catalogId}</ИдКлассификатора>\n\t\t<ТипыЦен>\n`,
    );
    counts.package += 2;
    for (const priceType of this.priceTypes) {
      out.write(
        `\t\t\t<ТипЦены><Ид>${priceType.id}</Ид><Наименование>${priceType.name}</Наименование><Валюта>RUB</Валюта><Налог><Наименование>НДС</Наименование><УчтеноВСумме>true</УчтеноВСумме></Налог></ТипЦены>\n`,
      );
    }
    counts.priceType += this.priceTypes.length;
    out.write('\t\t</ТипыЦен>\n\t\t<Склады>\n');
    for (const warehouse of this.warehouses) {
      out.write(`\t\t\t<Склад><Ид>${warehouse.id}</Ид><Наименование>${warehouse.name}</Наименование></Склад>\n`);
    }
    counts.warehouse += this.warehouses.length;
    out.write('\t\t</Склады>\n\t\t<Предложения>\n');
    for (let index = 0; index < products; index += 1) {
      const product = this.product(index);
      if (product.deleted) {
        continue;
      }
      const random = mulberry32(this.seed * 7_919 + index);
      const variants = product.characteristics.length > 0 ? product.characteristics : [null];
      for (const characteristic of variants) {
        this.writeOffer(out, product, characteristic, random, index);
        counts.offer += 1;
      }
      await out.drainIfFull();
    }
    out.write('\t\t</Предложения>\n\t</ПакетПредложений>\n</КоммерческаяИнформация>\n');
  }

  private writeProduct(out: EncodedFileWriter, index: number): void {
    const product = this.product(index);
    const random = mulberry32(this.seed * 31 + index);
    const [country, material, color] = this.dictionaries.map((property) => pick(random, property.values).id);
    const numbers = this.numberProperties
      .map(
        (property) =>
          `<ЗначенияСвойства><Ид>${property.id}</Ид><Значение>${commaDecimal(random)}</Значение></ЗначенияСвойства>`,
      )
      .join('');
    const picture =
      index % 4 === 0 ? `<Картинка>import_files/${product.id.slice(0, 2)}/${product.id}.jpg</Картинка>` : '';
    const maker = this.makers[index % this.makers.length];
    const description = index % 3 === 1 ? `<Описание>${escape(DESCRIPTION)}</Описание>` : '<Описание/>';
    out.write(
      `\t\t\t<Товар${product.deleted ? ' Статус="Удален"' : ''}>` +
        `<Ид>${product.id}</Ид>` +
        `<Штрихкод>46${Math.floor(random() * 1e11)
          .toString()
          .padStart(11, '0')}</Штрихкод>` +
        `<Артикул>${product.article}</Артикул>` +
        `<Наименование>${escape(product.name)}</Наименование>` +
        '<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" МеждународноеСокращение="PCE"><Пересчет><Единица>796</Единица><Коэффициент>1</Коэффициент></Пересчет></БазоваяЕдиница>' +
        `<Группы><Ид>${this.leafGroups[index % this.leafGroups.length]}</Ид></Группы>` +
        description +
        picture +
        `<Изготовитель><Ид>${maker.id}</Ид><Наименование>${escape(maker.name)}</Наименование></Изготовитель>` +
        '<ЗначенияСвойств>' +
        `<ЗначенияСвойства><Ид>${this.dictionaries[0].id}</Ид><Значение>${country}</Значение></ЗначенияСвойства>` +
        `<ЗначенияСвойства><Ид>${this.dictionaries[1].id}</Ид><Значение>${material}</Значение></ЗначенияСвойства>` +
        `<ЗначенияСвойства><Ид>${this.dictionaries[2].id}</Ид><Значение>${color}</Значение></ЗначенияСвойства>` +
        numbers +
        `<ЗначенияСвойства><Ид>${this.stringProperty.id}</Ид><Значение/></ЗначенияСвойства>` +
        '</ЗначенияСвойств>' +
        '<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка></СтавкаНалога></СтавкиНалогов>' +
        '<ЗначенияРеквизитов>' +
        '<ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Мебель</Значение></ЗначениеРеквизита>' +
        '<ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Запас</Значение></ЗначениеРеквизита>' +
        `<ЗначениеРеквизита><Наименование>Полное наименование</Наименование><Значение>${escape(product.name)}</Значение></ЗначениеРеквизита>` +
        `<ЗначениеРеквизита><Наименование>Вес</Наименование><Значение>${commaDecimal(random)}</Значение></ЗначениеРеквизита>` +
        '</ЗначенияРеквизитов>' +
        (product.deleted ? '<ПометкаУдаления>true</ПометкаУдаления>' : '') +
        '</Товар>\n',
    );
  }

  private writeOffer(
    out: EncodedFileWriter,
    product: ProductShape,
    characteristic: { id: string; color: string } | null,
    random: () => number,
    index: number,
  ): void {
    const id = characteristic ? `${product.id}#${characteristic.id}` : product.id;
    const name = characteristic ? `${product.name} (${characteristic.color})` : product.name;
    const prices = this.priceTypes
      .map((priceType, n) => {
        const rubles = 100 + Math.floor(random() * 99_900);
        const kopecks = Math.floor(random() * 100);
        // every seventh offer carries the comma decimal seen in hand-edited and old 1C files
        const value = `${rubles}${index % 7 === 0 && n === 0 ? ',' : '.'}${kopecks.toString().padStart(2, '0')}`;
        return (
          `<Цена><Представление> ${thousands(rubles)} RUB за шт</Представление><ИдТипаЦены>${priceType.id}</ИдТипаЦены>` +
          `<ЦенаЗаЕдиницу>${value}</ЦенаЗаЕдиницу><Валюта>RUB</Валюта><Единица>шт</Единица><Коэффициент>1</Коэффициент></Цена>`
        );
      })
      .join('');
    const stock = this.warehouses.map(() => Math.floor(random() * 40));
    out.write(
      `\t\t\t<Предложение><Ид>${id}</Ид><Артикул>${product.article}</Артикул><Наименование>${escape(name)}</Наименование>` +
        '<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" МеждународноеСокращение="PCE"><Пересчет><Единица>796</Единица><Коэффициент>1</Коэффициент></Пересчет></БазоваяЕдиница>' +
        (characteristic
          ? `<ХарактеристикиТовара><ХарактеристикаТовара><Наименование>Цвет</Наименование><Значение>${characteristic.color}</Значение></ХарактеристикаТовара></ХарактеристикиТовара>`
          : '') +
        `<Цены>${prices}</Цены>` +
        `<Количество>${stock.reduce((sum, quantity) => sum + quantity, 0)}</Количество>` +
        this.warehouses
          .map((warehouse, n) => `<Склад ИдСклада="${warehouse.id}" КоличествоНаСкладе="${stock[n]}"/>`)
          .join('') +
        '</Предложение>\n',
    );
  }

  private makeGroups(level: number, prefix: string): GroupShape[] {
    return Array.from({ length: GROUP_FANOUT[level] }, (_, n) => {
      const name = `${prefix} ${n + 1}`;
      const children = level + 1 < GROUP_FANOUT.length ? this.makeGroups(level + 1, name) : [];
      const group = { id: guid(this.random), name, children };
      if (children.length === 0) {
        this.leafGroups.push(group.id);
      }
      return group;
    });
  }

  private writeGroups(
    out: EncodedFileWriter,
    groups: GroupShape[],
    depth: number,
    counts: Record<CommerceMlRecordKind, number>,
  ): void {
    const indent = '\t'.repeat(depth);
    for (const group of groups) {
      counts.group += 1;
      out.write(
        `${indent}<Группа>\n${indent}\t<Ид>${group.id}</Ид>\n${indent}\t<Наименование>${group.name}</Наименование>\n`,
      );
      if (group.children.length > 0) {
        out.write(`${indent}\t<Группы>\n`);
        this.writeGroups(out, group.children, depth + 2, counts);
        out.write(`${indent}\t</Группы>\n`);
      }
      out.write(`${indent}</Группа>\n`);
    }
  }
}

/** Buffers text, encodes it (UTF-8 with a BOM as УТ 11 writes, or windows-1251) and honours write backpressure. */
class EncodedFileWriter {
  private readonly stream: WriteStream;
  private buffered: string[] = [];
  private bufferedLength = 0;
  private bytes = 0;

  constructor(
    path: string,
    private readonly encoding: 'utf-8' | 'windows-1251',
  ) {
    this.stream = createWriteStream(path);
    if (encoding === 'utf-8') {
      this.push(Buffer.from([0xef, 0xbb, 0xbf]));
    }
  }

  get declaredEncoding(): string {
    return this.encoding === 'utf-8' ? 'UTF-8' : 'windows-1251';
  }

  write(text: string): void {
    this.buffered.push(text);
    this.bufferedLength += text.length;
  }

  async drainIfFull(): Promise<void> {
    if (this.bufferedLength >= FLUSH_AT && !this.flush()) {
      await once(this.stream, 'drain');
    }
  }

  async finish(): Promise<number> {
    this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    return this.bytes;
  }

  private flush(): boolean {
    const text = this.buffered.join('');
    this.buffered = [];
    this.bufferedLength = 0;
    return this.push(this.encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'win1251'));
  }

  private push(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    return this.stream.write(chunk);
  }
}

function zeroCounts(): Record<CommerceMlRecordKind, number> {
  return Object.fromEntries(COMMERCEML_RECORD_KINDS.map((kind) => [kind, 0])) as Record<CommerceMlRecordKind, number>;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function guid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

function commaDecimal(random: () => number): string {
  return `${Math.floor(random() * 200)},${Math.floor(random() * 100)}`;
}

function thousands(value: number): string {
  return value.toString().replace(/\B(?=(\d{3})+$)/g, NBSP);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
