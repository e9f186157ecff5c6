import { Readable } from 'node:stream';
import { onecFixture, openFixture } from '../../test-fixtures/fixture-paths';
import { CommerceMlError, CommerceMlErrorCode } from './commerceml.errors';
import { parseCommerceMl, type CommerceMlParseLimits } from './commerceml.parser';
import type { CommerceMlRecord } from './commerceml.records';

function parse(source: Readable, limits?: Partial<CommerceMlParseLimits>): Promise<CommerceMlRecord[]> {
  const records: CommerceMlRecord[] = [];
  return parseCommerceMl(source, {
    limits,
    onBatch: (batch) => {
      records.push(...batch);
      return Promise.resolve();
    },
  }).then(() => records);
}

function fromText(...chunks: (string | Buffer)[]): Readable {
  return Readable.from(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
}

/** An endless source: `head`, then `filler` forever. Counts how many chunks the parser pulled. */
function endless(head: string, filler: string): { source: Readable; pulled: () => number } {
  let pulled = 0;
  const fillerBytes = Buffer.from(filler);
  const source = Readable.from(
    (function* chunks() {
      yield Buffer.from(head);
      for (;;) {
        pulled += 1;
        yield fillerBytes;
      }
    })(),
    { highWaterMark: 2 },
  );
  return { source, pulled: () => pulled };
}

const ROOT = '<КоммерческаяИнформация ВерсияСхемы="2.08">';

describe('parseCommerceMl rejects hostile and broken input', () => {
  it.each([
    ['not-ok/doctype/plain-doctype.xml', CommerceMlErrorCode.DoctypeForbidden, 'DOCTYPE'],
    ['not-ok/xxe/external-entity.xml', CommerceMlErrorCode.DoctypeForbidden, 'DOCTYPE'],
    ['not-ok/billion-laughs/lol9.xml', CommerceMlErrorCode.DoctypeForbidden, 'DOCTYPE'],
    ['not-ok/malformed/unclosed-element.xml', CommerceMlErrorCode.MalformedXml, 'unclosed tag: КоммерческаяИнформация'],
    ['not-ok/malformed/mismatched-end-tag.xml', CommerceMlErrorCode.MalformedXml, 'unexpected close tag'],
    // HTML's &nbsp; is not an XML entity; hand-edited files sometimes carry it.
    ['not-ok/malformed/html-entity.xml', CommerceMlErrorCode.MalformedXml, 'undefined entity'],
    [
      'not-ok/encoding-mismatch/bom-but-declared-windows-1251.xml',
      CommerceMlErrorCode.EncodingMismatch,
      'declares windows-1251 but the file starts with a UTF-8 byte order mark',
    ],
    [
      'not-ok/encoding-mismatch/utf8-bytes-declared-windows-1251.xml',
      CommerceMlErrorCode.EncodingMismatch,
      'declares windows-1251 but the bytes are UTF-8',
    ],
    [
      'not-ok/encoding-mismatch/windows-1251-bytes-declared-utf-8.xml',
      CommerceMlErrorCode.EncodingMismatch,
      'not valid UTF-8 (declared)',
    ],
    [
      'not-ok/encoding-mismatch/windows-1251-bytes-undeclared.xml',
      CommerceMlErrorCode.EncodingMismatch,
      'not valid UTF-8 (no encoding declared)',
    ],
    ['not-ok/unsupported-encoding/koi8-r.xml', CommerceMlErrorCode.UnsupportedEncoding, '"KOI8-R"'],
    ['not-ok/unsupported-encoding/utf-16le-bom.xml', CommerceMlErrorCode.UnsupportedEncoding, 'UTF-16'],
    ['not-ok/not-commerceml/rss.xml', CommerceMlErrorCode.NotCommerceMl, 'The root element is <rss>'],
  ])('%s → %s', async (file, code, message) => {
    const parsing = parse(openFixture(onecFixture(file)));

    await expect(parsing).rejects.toBeInstanceOf(CommerceMlError);
    await expect(parsing).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
  });

  it('reports where malformed XML breaks', async () => {
    await expect(parse(openFixture(onecFixture('not-ok/malformed/mismatched-end-tag.xml')))).rejects.toMatchObject({
      position: { line: 4 },
    });
  });

  it('never expands an external entity into a record', async () => {
    const received: CommerceMlRecord[] = [];
    await expect(
      parseCommerceMl(openFixture(onecFixture('not-ok/xxe/external-entity.xml')), {
        onBatch: (batch) => {
          received.push(...batch);
          return Promise.resolve();
        },
      }),
    ).rejects.toThrow(CommerceMlError);
    expect(received).toEqual([]);
  });

  it('catches a DOCTYPE split across chunks', async () => {
    await expect(
      parse(fromText('<?xml version="1.0"?><!DOC', `TYPE x>${ROOT}</КоммерческаяИнформация>`)),
    ).rejects.toMatchObject({
      code: CommerceMlErrorCode.DoctypeForbidden,
    });
  });

  it('refuses an endless internal DTD subset after reading only its start', async () => {
    const { source, pulled } = endless('<?xml version="1.0"?><!DOCTYPE x [', '<!ENTITY a "aaaaaaaaaa">'.repeat(100));

    await expect(parse(source)).rejects.toMatchObject({ code: CommerceMlErrorCode.DoctypeForbidden });
    expect(pulled()).toBeLessThan(10);
  });

  it('accepts a text node of exactly maxTextLength characters and refuses one more', async () => {
    const document = (length: number) =>
      `${ROOT}<Документ><Ид>1</Ид><Комментарий>${'я'.repeat(length)}</Комментарий></Документ></КоммерческаяИнформация>`;

    const [record] = await parse(fromText(document(1000)), { maxTextLength: 1000 });
    expect(record).toMatchObject({ kind: 'document', comment: 'я'.repeat(1000) });
    await expect(parse(fromText(document(1001)), { maxTextLength: 1000 })).rejects.toMatchObject({
      code: CommerceMlErrorCode.TextTooLong,
      message: expect.stringContaining('Text of <Комментарий> exceeds 1000 characters'),
    });
  });

  it('caps text nodes at 1 MiB by default', async () => {
    const text = 'x'.repeat(1024 * 1024 + 1);
    await expect(
      parse(
        fromText(`${ROOT}<Документ><Ид>1</Ид><Комментарий>${text}</Комментарий></Документ></КоммерческаяИнформация>`),
      ),
    ).rejects.toMatchObject({ code: CommerceMlErrorCode.TextTooLong });
  });

  it('stops an endless text node with bounded memory', async () => {
    const { source, pulled } = endless(`${ROOT}<Документ><Комментарий>`, 'z'.repeat(64 * 1024));
    const heapBefore = process.memoryUsage().heapUsed;

    await expect(parse(source, { maxTextLength: 256 * 1024 })).rejects.toMatchObject({
      code: CommerceMlErrorCode.TextTooLong,
    });
    expect(pulled()).toBeLessThan(16);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('stops an endless attribute value, which saxes would otherwise buffer whole', async () => {
    const { source, pulled } = endless(`${ROOT}<Документ Комментарий="`, 'q'.repeat(64 * 1024));

    await expect(parse(source, { maxTextLength: 128 * 1024 })).rejects.toMatchObject({
      code: CommerceMlErrorCode.TextTooLong,
    });
    expect(pulled()).toBeLessThan(16);
  });

  it('limits nesting depth', async () => {
    const nested = (depth: number) =>
      `${ROOT}${'<a>'.repeat(depth - 1)}${'</a>'.repeat(depth - 1)}</КоммерческаяИнформация>`;

    await expect(parse(fromText(nested(10)), { maxDepth: 10 })).resolves.toEqual([]);
    await expect(parse(fromText(nested(11)), { maxDepth: 10 })).rejects.toMatchObject({
      code: CommerceMlErrorCode.TooDeep,
    });
  });

  it('limits the size of a single record', async () => {
    const product = (values: number) =>
      `${ROOT}<Каталог><Товары><Товар><Ид>1</Ид><ЗначенияРеквизитов>${'<ЗначениеРеквизита/>'.repeat(values)}</ЗначенияРеквизитов></Товар></Товары></Каталог></КоммерческаяИнформация>`;

    // Товар, Ид and ЗначенияРеквизитов count too
    await expect(parse(fromText(product(7)), { maxElementsPerRecord: 10 })).resolves.toHaveLength(2);
    await expect(parse(fromText(product(8)), { maxElementsPerRecord: 10 })).rejects.toMatchObject({
      code: CommerceMlErrorCode.RecordTooLarge,
    });
  });

  it('refuses an entity without Ид, pointing at it', async () => {
    const xml = `${ROOT}\n<Каталог>\n<Товары>\n<Товар><Наименование>Безымянный</Наименование></Товар>\n</Товары></Каталог></КоммерческаяИнформация>`;

    await expect(parse(fromText(xml))).rejects.toMatchObject({
      code: CommerceMlErrorCode.MissingId,
      position: { line: 4 },
      message: expect.stringContaining('<Товар> has no Ид'),
    });
  });

  it('refuses empty and truncated input', async () => {
    await expect(parse(fromText())).rejects.toMatchObject({ code: CommerceMlErrorCode.EmptyDocument });
    await expect(parse(fromText('   '))).rejects.toMatchObject({ code: CommerceMlErrorCode.MalformedXml });
    const cutInsideCharacter = Buffer.from(`${ROOT}<Документ><Ид>Ж`).subarray(0, -1);
    await expect(parse(fromText(cutInsideCharacter))).rejects.toMatchObject({
      code: CommerceMlErrorCode.EncodingMismatch,
    });
  });

  it('refuses decoded text instead of bytes', async () => {
    await expect(parse(Readable.from(['<КоммерческаяИнформация/>']))).rejects.toThrow(TypeError);
  });
});
