import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { onecFixture, sharedCommerceMlXsd } from '../../test-fixtures/fixture-paths';
import { SAMPLE_ORDER as ORDER, SAMPLE_RETURN as RETURN } from '../../test-fixtures/sale-documents';
import {
  childNames,
  complexType,
  find,
  firstChild,
  parseXmlTree,
  violations,
  xsdChild,
  xsdSequence,
} from '../../test-fixtures/xml-tree';
import { CommerceMlError, CommerceMlErrorCode } from './commerceml.errors';
import { parseCommerceMl } from './commerceml.parser';
import type { DocumentRecord, ParseSummary } from './commerceml.records';
import { serializeSaleDocuments, toLocalDateTime, type SaleSchemaVersion } from './commerceml.writer';
import type { SaleDocument } from './sale-document';

async function readBack(bytes: Buffer): Promise<{ documents: DocumentRecord[]; summary: ParseSummary }> {
  const documents: DocumentRecord[] = [];
  const summary = await parseCommerceMl(Readable.from([bytes]), {
    onBatch: (records) => {
      documents.push(...records.filter((record): record is DocumentRecord => record.kind === 'document'));
      return Promise.resolve();
    },
  });
  return { documents, summary };
}

/** What the parser must read back from a written SaleDocument. */
function expectedRecord(document: SaleDocument): Partial<DocumentRecord> {
  return {
    id: document.id,
    number: document.number,
    date: document.date,
    time: document.time ?? null,
    operation: document.operation,
    role: document.role,
    currency: document.currency,
    rate: document.rate,
    amount: document.amount,
    comment: document.comment ?? null,
    counterparties: document.counterparties.map((counterparty) => ({
      id: counterparty.id,
      name: counterparty.name,
      role: counterparty.role,
      fullName: counterparty.officialName === undefined ? (counterparty.fullName ?? counterparty.name) : null,
      officialName: counterparty.officialName ?? null,
      lastName: counterparty.lastName ?? null,
      firstName: counterparty.firstName ?? null,
      middleName: counterparty.middleName ?? null,
      inn: counterparty.inn ?? null,
      kpp: counterparty.kpp ?? null,
      address: counterparty.address
        ? { presentation: counterparty.address.presentation, fields: counterparty.address.fields ?? [] }
        : null,
      contacts: counterparty.contacts ?? [],
      representatives: [],
    })),
    taxes: (document.taxes ?? []).map((tax) => ({ ...tax, rate: tax.rate ?? null })),
    items: document.items.map((item) => ({
      id: item.id,
      productId: item.id.split('#')[0],
      characteristicId: item.id.split('#')[1] ?? null,
      catalogId: item.catalogId ?? null,
      article: item.article ?? null,
      barcode: null,
      name: item.name,
      baseUnit: {
        code: item.unit.code,
        text: item.unit.name,
        fullName: item.unit.fullName ?? null,
        internationalAbbreviation: item.unit.internationalAbbreviation ?? null,
        conversions: [],
      },
      unit: null,
      coefficient: null,
      pricePerUnit: item.pricePerUnit,
      quantity: item.quantity,
      amount: item.amount,
      taxRates: item.vat ? [{ name: 'НДС', rate: item.vat.rate }] : [],
      taxes: item.vat
        ? [{ name: 'НДС', includedInSum: item.vat.includedInSum, amount: item.vat.amount, rate: item.vat.rate }]
        : [],
      requisites: item.requisites ?? [],
      characteristics: [],
    })),
    requisites: document.requisites ?? [],
  };
}

describe('serializeSaleDocuments', () => {
  const versions: SaleSchemaVersion[] = ['2.05', '2.08', '2.10'];
  const encodings = ['windows-1251', 'utf-8'] as const;

  describe.each(versions)('schema %s', (schemaVersion) => {
    it.each(encodings)('round-trips through our parser in %s', async (encoding) => {
      const bytes = serializeSaleDocuments([ORDER, RETURN], {
        schemaVersion,
        encoding,
        generatedAt: '2024-03-01T09:10:00',
      });
      const { documents, summary } = await readBack(bytes);

      expect(summary).toMatchObject({
        documentKind: 'documents',
        encoding,
        bom: encoding === 'utf-8',
        schemaVersion,
        generatedAt: '2024-03-01T09:10:00',
        warnings: [],
      });
      expect(documents).toHaveLength(2);
      expect(documents[0]).toMatchObject(expectedRecord(ORDER));
      expect(documents[1]).toMatchObject(expectedRecord(RETURN));
      expect(documents[0]).toMatchObject({ status: '[N] Принят', paid: false });
    });
  });

  it('writes windows-1251 bytes, and references for what windows-1251 cannot hold', async () => {
    const tricky = { ...ORDER, comment: 'Ёжик € «ёлка» 😀 ✓ tab\there\u0007bell' };
    const bytes = serializeSaleDocuments([tricky], {
      schemaVersion: '2.08',
      encoding: 'windows-1251',
      generatedAt: '2024-03-01T09:10:00',
    });

    const text = iconv.decode(bytes, 'win1251');
    expect(text.startsWith('<?xml version="1.0" encoding="windows-1251"?>\n')).toBe(true);
    expect(text).toContain('<Комментарий>Ёжик € «ёлка» &#128512; &#10003; tab\there&#65533;bell</Комментарий>');
    expect(bytes.includes(Buffer.from('?', 'latin1'), 45)).toBe(false); // no encoder substitutions after the prolog
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const { documents } = await readBack(bytes);
    expect(documents[0].comment).toBe('Ёжик € «ёлка» 😀 ✓ tab\there\ufffdbell');
  });

  it('writes UTF-8 with a byte order mark', () => {
    const bytes = serializeSaleDocuments([ORDER], {
      schemaVersion: '2.10',
      encoding: 'utf-8',
      generatedAt: '2024-03-01T09:10:00',
    });

    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<КоммерческаяИнформация ВерсияСхемы="2\.10" ДатаФормирования="2024-03-01T09:10:00">/,
    );
  });

  it('refuses values that would make an invalid document', () => {
    const write = (document: SaleDocument) =>
      serializeSaleDocuments([document], {
        schemaVersion: '2.10',
        encoding: 'utf-8',
        generatedAt: '2024-03-01T09:10:00',
      });

    const error = (() => {
      try {
        write({ ...ORDER, amount: '2 950,50' });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(CommerceMlError);
    expect(error).toMatchObject({
      code: CommerceMlErrorCode.InvalidSaleDocument,
      message: 'Document MM-1001: amount "2 950,50" is not a decimal like 1234.50',
    });
    expect(() => write({ ...ORDER, date: '01.03.2024' })).toThrow(/date "01.03.2024" is not YYYY-MM-DD/);
    expect(() => write({ ...ORDER, time: '9:05' })).toThrow(/time "9:05" is not HH:MM:SS/);
    expect(() => write({ ...ORDER, counterparties: [] })).toThrow(/at least one counterparty/);
    expect(() => write({ ...ORDER, items: [{ ...ORDER.items[0], quantity: 'два' }] })).toThrow(/items.quantity "два"/);
    expect(() =>
      serializeSaleDocuments([ORDER], { schemaVersion: '2.10', encoding: 'utf-8', generatedAt: '2024-03-01 09:10' }),
    ).toThrow(/generatedAt/);
  });
});

describe('serializeSaleDocuments: shape', () => {
  const written = (schemaVersion: SaleSchemaVersion) =>
    parseXmlTree(
      iconv.decode(
        serializeSaleDocuments([ORDER, RETURN], {
          schemaVersion,
          encoding: 'windows-1251',
          generatedAt: '2024-03-01T09:10:00',
        }),
        'win1251',
      ),
    );

  describe('against the CommerceML 2.10 XSD', () => {
    const xsd = parseXmlTree(readFileSync(sharedCommerceMlXsd('2.10'), 'utf8'));
    const root = written('2.10');
    const [order, returned] = root.children;

    it('orders the children of Документ as the XSD sequence requires', () => {
      const sequence = xsdSequence(xsd, complexType(xsd, 'Документ'));

      expect(sequence.map((element) => element.name).slice(0, 9)).toEqual([
        'Ид',
        'Номер',
        'Дата',
        'ХозОперация',
        'Роль',
        'Валюта',
        'Курс',
        'Сумма',
        'Контрагенты',
      ]);
      expect(violations(childNames(order), sequence)).toEqual([]);
      expect(violations(childNames(returned), sequence)).toEqual([]);
    });

    it('orders the children of a document line (base Товар, then the line extension)', () => {
      const line = xsdChild(xsdChild(complexType(xsd, 'Документ'), 'Товары'), 'Товар');
      const extension = find(line, 'xsd:extension');
      const sequence = [
        ...xsdSequence(xsd, complexType(xsd, extension.attributes.base.replace('cml:', ''))),
        ...xsdSequence(xsd, extension),
      ];

      for (const item of [...firstChild(order, 'Товары').children, ...firstChild(returned, 'Товары').children]) {
        expect(violations(childNames(item), sequence)).toEqual([]);
      }
    });

    it('writes counterparties in the individual and the company branch of the XSD choice', () => {
      const counterparty = xsdChild(xsdChild(complexType(xsd, 'Документ'), 'Контрагенты'), 'Контрагент');
      const extension = find(counterparty, 'xsd:extension');
      const branch = (group: string) => [
        ...xsdSequence(xsd, complexType(xsd, 'Контрагент'), group),
        ...xsdSequence(xsd, extension),
      ];

      const person = firstChild(firstChild(order, 'Контрагенты'), 'Контрагент');
      const company = firstChild(firstChild(returned, 'Контрагенты'), 'Контрагент');
      expect(violations(childNames(person), branch('РеквизитыФизЛица'))).toEqual([]);
      expect(violations(childNames(company), branch('РеквизитыЮрЛица'))).toEqual([]);
    });
  });

  describe('against the real Bitrix sale/query reply', () => {
    const bitrix = parseXmlTree(
      iconv.decode(
        readFileSync(onecFixture('ok/windows-1251-bitrix-sale-query/bitrix-query-response-full.xml')),
        'win1251',
      ),
    );
    const bitrixDocument = firstChild(bitrix, 'Документ');
    const root = written('2.05');
    const order = firstChild(root, 'Документ');

    it('declares the same root attributes in 2.05', () => {
      expect(Object.keys(root.attributes)).toEqual(Object.keys(bitrix.attributes));
      expect({ ...root.attributes, ДатаФормирования: '' }).toEqual({ ...bitrix.attributes, ДатаФормирования: '' });
    });

    it('writes the same document elements in the same order', () => {
      expect(childNames(order).filter((name) => name !== 'Налоги')).toEqual(childNames(bitrixDocument));
      const bitrixCounterparty = firstChild(firstChild(bitrixDocument, 'Контрагенты'), 'Контрагент');
      const counterparty = firstChild(firstChild(order, 'Контрагенты'), 'Контрагент');
      const optionalPersonFields = new Set(['Фамилия', 'Имя', 'Отчество', 'Контакты']);
      expect(childNames(counterparty).filter((name) => !optionalPersonFields.has(name))).toEqual(
        childNames(bitrixCounterparty),
      );
    });

    it('writes document lines with the elements Bitrix writes (in XSD order, which Bitrix does not keep)', () => {
      const bitrixLine = firstChild(firstChild(bitrixDocument, 'Товары'), 'Товар');
      const line = firstChild(firstChild(order, 'Товары'), 'Товар');
      const optionalLineFields = new Set(['Артикул', 'СтавкиНалогов', 'Налоги']);
      expect(
        childNames(line)
          .filter((name) => !optionalLineFields.has(name))
          .sort(),
      ).toEqual(childNames(bitrixLine).sort());
      expect(firstChild(line, 'БазоваяЕдиница')).toMatchObject({
        attributes: firstChild(bitrixLine, 'БазоваяЕдиница').attributes,
        text: 'шт',
      });
    });
  });
});

describe('toLocalDateTime', () => {
  it('gives the wall-clock date and time of an instant in a time zone', () => {
    expect(toLocalDateTime(new Date('2024-01-31T21:30:05Z'), 'Europe/Moscow')).toEqual({
      date: '2024-02-01',
      time: '00:30:05',
      dateTime: '2024-02-01T00:30:05',
    });
    expect(toLocalDateTime(new Date('2024-07-01T00:00:00Z'), 'Asia/Vladivostok').dateTime).toBe('2024-07-01T10:00:00');
  });
});
