import iconv from 'iconv-lite';
import { CommerceMlError, CommerceMlErrorCode } from './commerceml.errors';
import { normalizeDate, normalizeDateTime, normalizeTime } from './commerceml-normalize';
import type { SaleCounterparty, SaleDocument, SaleItem } from './sale-document';

export type SaleSchemaVersion = '2.05' | '2.08' | '2.10';
export type SaleEncoding = 'windows-1251' | 'utf-8';

export interface SerializeSaleDocumentsOptions {
  schemaVersion: SaleSchemaVersion;
  /**
   * windows-1251 is what Bitrix sends; UTF-8 is written with a byte order mark, because 1C УТ rejects UTF-8 replies
   * without one (Tseka85/opencart3-exchange1c#25).
   */
  encoding: SaleEncoding;
  /** `ДатаФормирования`: 1C local time, `YYYY-MM-DDTHH:MM:SS` */
  generatedAt: string;
}

// Bitrix's 2.05 reply declares the formats it writes; 1C written against Bitrix expects them there.
const BITRIX_205_FORMATS: [string, string][] = [
  ['ФорматДаты', 'ДФ=yyyy-MM-dd; ДЛФ=DT'],
  ['ФорматВремени', 'ДФ=ЧЧ:мм:сс; ДЛФ=T'],
  ['РазделительДатаВремя', 'T'],
  ['ФорматСуммы', 'ЧЦ=18; ЧДЦ=2; ЧРД=.'],
  ['ФорматКоличества', 'ЧЦ=18; ЧДЦ=2; ЧРД=.'],
];
const DECIMAL = /^-?\d+(\.\d+)?$/;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Serialises orders and returns for the `type=sale&mode=query` reply: a `КоммерческаяИнформация` with one `Документ`
 * per sale, elements in the order the CommerceML 2.10 XSD prescribes (which is also what 1C writes itself).
 */
export function serializeSaleDocuments(
  documents: readonly SaleDocument[],
  options: SerializeSaleDocumentsOptions,
): Buffer {
  if (normalizeDateTime(options.generatedAt) !== options.generatedAt || !options.generatedAt.includes('T')) {
    throw invalid(`generatedAt "${options.generatedAt}" is not YYYY-MM-DDTHH:MM:SS`);
  }
  const xml = new XmlBuilder(options.encoding);
  xml.declaration();
  const rootAttributes: [string, string][] = [
    ['ВерсияСхемы', options.schemaVersion],
    ['ДатаФормирования', options.generatedAt],
  ];
  xml.open(
    'КоммерческаяИнформация',
    options.schemaVersion === '2.05' ? [...rootAttributes, ...BITRIX_205_FORMATS] : rootAttributes,
  );
  for (const document of documents) {
    writeDocument(xml, document);
  }
  xml.close('КоммерческаяИнформация');
  return xml.toBuffer();
}

/** Wall-clock date and time of an instant in a time zone (1C works in local time, e.g. `Europe/Moscow`). */
export function toLocalDateTime(instant: Date, timeZone: string): { date: string; time: string; dateTime: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  ) as Record<Intl.DateTimeFormatPartTypes, string>;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  return { date, time, dateTime: `${date}T${time}` };
}

function writeDocument(xml: XmlBuilder, document: SaleDocument): void {
  const check = new SaleDocumentCheck(document.id);
  check.required('id', document.id);
  check.date('date', document.date);
  if (document.time !== undefined) {
    check.time('time', document.time);
  }
  if (document.counterparties.length === 0) {
    throw invalid(`Document ${document.id}: CommerceML requires at least one counterparty`);
  }
  xml.open('Документ');
  xml.leaf('Ид', document.id);
  xml.leaf('Номер', document.number);
  xml.leaf('Дата', document.date);
  xml.leaf('ХозОперация', document.operation);
  xml.leaf('Роль', document.role);
  xml.leaf('Валюта', document.currency);
  xml.leaf('Курс', check.decimal('rate', document.rate));
  xml.leaf('Сумма', check.decimal('amount', document.amount));
  xml.open('Контрагенты');
  for (const counterparty of document.counterparties) {
    writeCounterparty(xml, counterparty);
  }
  xml.close('Контрагенты');
  xml.optionalLeaf('Время', document.time);
  xml.optionalLeaf('Комментарий', document.comment);
  if (document.taxes?.length) {
    xml.open('Налоги');
    for (const tax of document.taxes) {
      xml.open('Налог');
      xml.leaf('Наименование', tax.name);
      xml.leaf('УчтеноВСумме', String(tax.includedInSum));
      xml.leaf('Сумма', check.decimal('taxes.amount', tax.amount));
      xml.optionalLeaf('Ставка', tax.rate);
      xml.close('Налог');
    }
    xml.close('Налоги');
  }
  xml.open('Товары');
  for (const item of document.items) {
    writeItem(xml, item, check);
  }
  xml.close('Товары');
  writeRequisites(xml, document.requisites);
  xml.close('Документ');
}

// Element order follows the XSD: the ЮрЛицо/ФизЛицо choice of `Контрагент`, then the `Роль` its extension adds.
function writeCounterparty(xml: XmlBuilder, counterparty: SaleCounterparty): void {
  xml.open('Контрагент');
  xml.leaf('Ид', counterparty.id);
  xml.leaf('Наименование', counterparty.name);
  if (counterparty.officialName !== undefined) {
    xml.leaf('ОфициальноеНаименование', counterparty.officialName);
    writeAddress(xml, 'ЮридическийАдрес', counterparty.address);
    xml.optionalLeaf('ИНН', counterparty.inn);
    xml.optionalLeaf('КПП', counterparty.kpp);
  } else {
    xml.leaf('ПолноеНаименование', counterparty.fullName ?? counterparty.name);
    xml.optionalLeaf('Фамилия', counterparty.lastName);
    xml.optionalLeaf('Имя', counterparty.firstName);
    xml.optionalLeaf('Отчество', counterparty.middleName);
    xml.optionalLeaf('ИНН', counterparty.inn);
    xml.optionalLeaf('КПП', counterparty.kpp);
    writeAddress(xml, 'АдресРегистрации', counterparty.address);
  }
  if (counterparty.contacts?.length) {
    xml.open('Контакты');
    for (const contact of counterparty.contacts) {
      xml.open('Контакт');
      xml.leaf('Тип', contact.type);
      xml.leaf('Значение', contact.value);
      xml.close('Контакт');
    }
    xml.close('Контакты');
  }
  xml.leaf('Роль', counterparty.role);
  xml.close('Контрагент');
}

function writeAddress(xml: XmlBuilder, element: string, address: SaleCounterparty['address']): void {
  if (!address) {
    return;
  }
  xml.open(element);
  xml.leaf('Представление', address.presentation);
  for (const field of address.fields ?? []) {
    xml.open('АдресноеПоле');
    xml.leaf('Тип', field.type);
    xml.leaf('Значение', field.value);
    xml.close('АдресноеПоле');
  }
  xml.close(element);
}

// XSD order: the base `Товар` part (Ид … ЗначенияРеквизитов), then the document-line extension (ИдКаталога …).
function writeItem(xml: XmlBuilder, item: SaleItem, check: SaleDocumentCheck): void {
  check.required('items.id', item.id);
  xml.open('Товар');
  xml.leaf('Ид', item.id);
  xml.optionalLeaf('Артикул', item.article);
  xml.leaf('Наименование', item.name);
  const unitAttributes: [string, string][] = [['Код', item.unit.code]];
  if (item.unit.fullName !== undefined) {
    unitAttributes.push(['НаименованиеПолное', item.unit.fullName]);
  }
  if (item.unit.internationalAbbreviation !== undefined) {
    unitAttributes.push(['МеждународноеСокращение', item.unit.internationalAbbreviation]);
  }
  xml.leaf('БазоваяЕдиница', item.unit.name, unitAttributes);
  if (item.vat) {
    xml.open('СтавкиНалогов');
    xml.open('СтавкаНалога');
    xml.leaf('Наименование', 'НДС');
    xml.leaf('Ставка', item.vat.rate);
    xml.close('СтавкаНалога');
    xml.close('СтавкиНалогов');
  }
  writeRequisites(xml, item.requisites);
  xml.optionalLeaf('ИдКаталога', item.catalogId);
  xml.leaf('ЦенаЗаЕдиницу', check.decimal('items.pricePerUnit', item.pricePerUnit));
  xml.leaf('Количество', check.decimal('items.quantity', item.quantity));
  xml.leaf('Сумма', check.decimal('items.amount', item.amount));
  if (item.vat) {
    xml.open('Налоги');
    xml.open('Налог');
    xml.leaf('Наименование', 'НДС');
    xml.leaf('УчтеноВСумме', String(item.vat.includedInSum));
    xml.leaf('Сумма', check.decimal('items.vat.amount', item.vat.amount));
    xml.leaf('Ставка', item.vat.rate);
    xml.close('Налог');
    xml.close('Налоги');
  }
  xml.close('Товар');
}

function writeRequisites(xml: XmlBuilder, requisites: { name: string; value: string }[] | undefined): void {
  if (!requisites?.length) {
    return;
  }
  xml.open('ЗначенияРеквизитов');
  for (const requisite of requisites) {
    xml.open('ЗначениеРеквизита');
    xml.leaf('Наименование', requisite.name);
    xml.leaf('Значение', requisite.value);
    xml.close('ЗначениеРеквизита');
  }
  xml.close('ЗначенияРеквизитов');
}

class SaleDocumentCheck {
  constructor(private readonly documentId: string) {}

  decimal(field: string, value: string): string {
    if (!DECIMAL.test(value)) {
      throw invalid(`Document ${this.documentId}: ${field} "${value}" is not a decimal like 1234.50`);
    }
    return value;
  }

  required(field: string, value: string): void {
    if (value.trim() === '') {
      throw invalid(`Document ${this.documentId}: ${field} is empty`);
    }
  }

  date(field: string, value: string): void {
    if (normalizeDate(value) !== value) {
      throw invalid(`Document ${this.documentId}: ${field} "${value}" is not YYYY-MM-DD`);
    }
  }

  time(field: string, value: string): void {
    if (normalizeTime(value) !== value) {
      throw invalid(`Document ${this.documentId}: ${field} "${value}" is not HH:MM:SS`);
    }
  }
}

function invalid(message: string): CommerceMlError {
  return new CommerceMlError(CommerceMlErrorCode.InvalidSaleDocument, message);
}

class XmlBuilder {
  private readonly parts: string[] = [];
  private depth = 0;
  private readonly escape: (value: string, inAttribute: boolean) => string;

  constructor(private readonly encoding: SaleEncoding) {
    this.escape = encoding === 'utf-8' ? escapeXml : (value, inAttribute) => escapeXml(value, inAttribute, WIN1251);
  }

  declaration(): void {
    this.parts.push(`<?xml version="1.0" encoding="${this.encoding === 'utf-8' ? 'UTF-8' : 'windows-1251'}"?>\n`);
  }

  open(name: string, attributes: [string, string][] = []): void {
    this.parts.push(`${this.indent()}<${name}${this.attributes(attributes)}>\n`);
    this.depth += 1;
  }

  close(name: string): void {
    this.depth -= 1;
    this.parts.push(`${this.indent()}</${name}>\n`);
  }

  leaf(name: string, value: string, attributes: [string, string][] = []): void {
    this.parts.push(`${this.indent()}<${name}${this.attributes(attributes)}>${this.escape(value, false)}</${name}>\n`);
  }

  optionalLeaf(name: string, value: string | undefined): void {
    if (value !== undefined) {
      this.leaf(name, value);
    }
  }

  toBuffer(): Buffer {
    const text = this.parts.join('');
    return this.encoding === 'utf-8'
      ? Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')])
      : iconv.encode(text, 'win1251');
  }

  private attributes(attributes: [string, string][]): string {
    return attributes.map(([name, value]) => ` ${name}="${this.escape(value, true)}"`).join('');
  }

  private indent(): string {
    return '  '.repeat(this.depth);
  }
}

// Every character windows-1251 can represent; anything else is written as a numeric character reference so that
// the encoder never substitutes '?' for it.
const WIN1251 = new Set(iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)), 'win1251'));
WIN1251.delete('\ufffd');

const SPECIAL = /[&<>"\t\n\r]|[^\x20-\x7e]/gu;

// Control characters other than tab/LF/CR, lone surrogates and U+FFFE/U+FFFF cannot appear in XML 1.0 at all, not
// even as character references.
function isXmlInvalid(codePoint: number): boolean {
  return (
    codePoint < 0x20 || (codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint === 0xfffe || codePoint === 0xffff
  );
}

function escapeXml(value: string, inAttribute: boolean, charset?: ReadonlySet<string>): string {
  return value.replace(SPECIAL, (char) => {
    switch (char) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return inAttribute ? '&quot;' : char;
      case '\t':
      case '\n':
        return inAttribute ? `&#${char.charCodeAt(0)};` : char;
      case '\r':
        return '&#13;';
      default: {
        const safe = isXmlInvalid(char.codePointAt(0) ?? 0) ? '\ufffd' : char;
        return !charset || charset.has(safe) ? safe : `&#${safe.codePointAt(0)};`;
      }
    }
  });
}
