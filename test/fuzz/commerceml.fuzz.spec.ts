import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { encode } from 'iconv-lite';
import { onecFixture, sharedFixturesDir } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { CommerceMlError, CommerceMlErrorCode } from '../../libs/connectors/onec/src/commerceml/commerceml.errors';
import { parseCommerceMl } from '../../libs/connectors/onec/src/commerceml/commerceml.parser';
import { fuzzSettings, propertyParameters, selected } from './support/fuzz-settings';

const settings = fuzzSettings(60);
/** Low enough that a generated huge attribute or text crosses it without megabytes of input per run. */
const LIMITS = { maxTextLength: 64 * 1024, maxDepth: 64, maxElementsPerRecord: 20_000 };
const CODES = new Set<string>(Object.values(CommerceMlErrorCode));

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? xmlFiles(join(dir, entry.name)) : entry.name.endsWith('.xml') ? [join(dir, entry.name)] : [],
  );
}

/**
 * The real exports (shared fixtures and the project's own copies) up to 256 KB each, so a run stays quick; FUZZ_ONLY
 * takes fixture paths as printed in a failure.
 */
const FIXTURES = [
  ...xmlFiles(join(sharedFixturesDir, 'commerceml')).map((path) => ({
    name: relative(sharedFixturesDir, path),
    path,
  })),
  ...xmlFiles(onecFixture('ok')).map((path) => ({ name: relative(onecFixture('.'), path), path })),
]
  .filter(({ path }) => statSync(path).size <= 256 * 1024)
  .filter(({ name }) => selected(settings, name))
  .sort((a, b) => a.name.localeCompare(b.name))
  .map(({ name, path }) => ({ name, bytes: readFileSync(path) }));

const ascii = (text: string) => Buffer.from(text, 'utf8');
const splice = (bytes: Buffer, at: number, inserted: Buffer, removed = 0) => {
  const index = at % (bytes.length + 1);
  return Buffer.concat([bytes.subarray(0, index), inserted, bytes.subarray(index + removed)]);
};
/** Right after the first element's name: where an attribute or a child can go without breaking the prolog. */
const afterRootName = (bytes: Buffer) => {
  const text = bytes.toString('latin1');
  const root = text.search(/<[^?!]/);
  return root < 0 ? 0 : text.indexOf('>', root);
};

/** The same bytes with another encoding in the XML declaration. */
const redeclared = (bytes: Buffer, encoding: string) =>
  Buffer.from(bytes.toString('latin1').replace(/encoding="[^"]*"/i, `encoding="${encoding}"`), 'latin1');

const BOMB = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';
const SNIPPETS = [
  '&lol;',
  '&#0;',
  '&#x110000;',
  '&nbsp;',
  ']]>',
  '<![CDATA[',
  '<!--',
  '\u0000',
  '</КоммерческаяИнформация>',
  '<Товар>',
  '<?xml version="1.0" encoding="koi8-r"?>',
  '<Ид></Ид>',
  '<Цена><ЦенаЗаЕдиницу>1e309</ЦенаЗаЕдиницу></Цена>',
].map(ascii);

type Mutation = { label: string; apply: (bytes: Buffer) => Buffer };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .nat()
    .map((at) => ({ label: `truncated at ${at}`, apply: (bytes: Buffer) => bytes.subarray(0, at % bytes.length) })),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }).map((flips) => ({
    label: `bytes flipped at ${flips.map(([at]) => at).join(',')}`,
    apply: (bytes: Buffer) => {
      const copy = Buffer.from(bytes);
      for (const [at, value] of flips) {
        copy[at % copy.length] = value;
      }
      return copy;
    },
  })),
  fc.tuple(fc.nat(), fc.constantFrom(...SNIPPETS)).map(([at, snippet]) => ({
    label: `"${snippet.toString('utf8')}" spliced in at ${at}`,
    apply: (bytes: Buffer) => splice(bytes, at, snippet),
  })),
  fc.constantFrom(
    {
      label: 'UTF-8 text re-encoded as windows-1251, declaration unchanged',
      apply: (bytes: Buffer) => encode(bytes.toString('utf8'), 'windows-1251'),
    },
    {
      label: 'declared windows-1251, bytes unchanged',
      apply: (bytes: Buffer) => redeclared(bytes, 'windows-1251'),
    },
    {
      label: 'declared UTF-16, bytes unchanged',
      apply: (bytes: Buffer) => redeclared(bytes, 'UTF-16'),
    },
    {
      label: 'a UTF-16 byte order mark in front',
      apply: (bytes: Buffer) => Buffer.concat([Buffer.from([0xff, 0xfe]), bytes]),
    },
    {
      label: 'UTF-16LE bytes',
      apply: (bytes: Buffer) => Buffer.from(bytes.toString('utf8'), 'utf16le'),
    },
  ),
  fc.integer({ min: 1, max: 3 }).map((copies) => ({
    label: `an entity bomb declared (${copies} references)`,
    apply: (bytes: Buffer) => {
      const text = bytes.toString('latin1');
      const root = Math.max(text.search(/<[^?!]/), 0);
      return Buffer.concat([
        bytes.subarray(0, root),
        ascii(BOMB),
        bytes.subarray(root),
        ascii('&lol2;'.repeat(copies)),
      ]);
    },
  })),
  fc.integer({ min: LIMITS.maxTextLength - 2, max: LIMITS.maxTextLength + 4_000 }).map((length) => ({
    label: `an attribute of ${length} characters on the root`,
    apply: (bytes: Buffer) => splice(bytes, afterRootName(bytes), ascii(` x="${'я'.repeat(length)}"`)),
  })),
  fc.integer({ min: 1, max: 400 }).map((count) => ({
    label: `${count} attributes on the root`,
    apply: (bytes: Buffer) =>
      splice(bytes, afterRootName(bytes), ascii(Array.from({ length: count }, (_, i) => ` a${i}="${i}"`).join(''))),
  })),
  fc.integer({ min: 50, max: 300 }).map((depth) => ({
    label: `elements ${depth} deep after the root`,
    apply: (bytes: Buffer) =>
      splice(bytes, afterRootName(bytes) + 1, ascii(`${'<Группа>'.repeat(depth)}${'</Группа>'.repeat(depth)}`)),
  })),
);

/** The bytes as a stream of generated chunk sizes: a token split across chunks is where streaming parsers slip. */
function chunked(bytes: Buffer, sizes: readonly number[]): Readable {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (let index = 0; offset < bytes.length; index++) {
    const size = sizes.length ? sizes[index % sizes.length] : bytes.length;
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return Readable.from(chunks);
}

describe('the CommerceML parser under fuzzing of real exports', () => {
  it('has fixtures that parse as they are', async () => {
    expect(FIXTURES.length).toBeGreaterThan(settings.only.length ? 0 : 20);
    for (const { bytes } of FIXTURES.slice(0, 3)) {
      await expect(
        parseCommerceMl(Readable.from([bytes]), { onBatch: () => Promise.resolve() }),
      ).resolves.not.toThrow();
    }
  });

  it('answers any mutation with records or a typed CommerceMlError, and finishes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 4_096 }), { maxLength: 5 }),
        async (fixture, mutations, sizes) => {
          const bytes = mutations.reduce<Buffer>((current, { apply }) => apply(current), fixture.bytes);
          let records = 0;
          try {
            await parseCommerceMl(chunked(bytes, sizes), {
              limits: LIMITS,
              onBatch: (batch) => {
                records += batch.length;
                for (const record of batch) {
                  expect(typeof record.kind).toBe('string');
                }
                return Promise.resolve();
              },
            });
          } catch (error) {
            if (!(error instanceof CommerceMlError) || !CODES.has(error.code)) {
              throw new Error(
                `${fixture.name} after ${mutations.map(({ label }) => label).join(', ')}: ${String(error)}`,
                { cause: error },
              );
            }
          }
          expect(records).toBeGreaterThanOrEqual(0);
        },
      ),
      // A parse that never settles fails its run with the counterexample instead of timing out the whole test.
      { ...propertyParameters(settings), timeout: 20_000 },
    );
  });

  it('refuses an entity bomb before expanding it, however the document is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
        async (fixture, sizes) => {
          const text = fixture.bytes.toString('latin1');
          const root = Math.max(text.search(/<[^?!]/), 0);
          const bombed = Buffer.concat([fixture.bytes.subarray(0, root), ascii(BOMB), fixture.bytes.subarray(root)]);
          const records: unknown[] = [];
          await expect(
            parseCommerceMl(chunked(bombed, sizes), {
              onBatch: (batch) => {
                records.push(...batch);
                return Promise.resolve();
              },
            }),
          ).rejects.toMatchObject({ code: CommerceMlErrorCode.DoctypeForbidden });
          expect(records).toEqual([]);
        },
      ),
      propertyParameters(settings),
    );
  });
});
