import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { zeroStream } from '@app/testing';
import yazl from 'yazl';
import {
  DEFAULT_SAFE_UNZIP_LIMITS,
  InflatedByteCounter,
  safeUnzip,
  ZipSafetyError,
  ZipSafetyErrorCode,
} from './safe-unzip';

interface ZipEntrySpec {
  name: string;
  data?: Buffer | (() => Readable);
  mode?: number;
  compressionLevel?: number;
}

async function writeZip(path: string, entries: ZipEntrySpec[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    if (entry.data === undefined) {
      zip.addEmptyDirectory(entry.name);
    } else if (Buffer.isBuffer(entry.data)) {
      zip.addBuffer(entry.data, entry.name, { mode: entry.mode, compressionLevel: entry.compressionLevel });
    } else {
      zip.addReadStream(entry.data(), entry.name, { compressionLevel: entry.compressionLevel });
    }
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}

/** Replaces bytes everywhere in a file (names appear in both the local header and the central directory). */
async function patch(path: string, from: string, to: string): Promise<void> {
  const before = Buffer.from(from, 'latin1');
  const after = Buffer.from(to, 'latin1');
  expect(after.length).toBe(before.length);
  const bytes = await readFile(path);
  let patched = 0;
  for (let at = bytes.indexOf(before); at >= 0; at = bytes.indexOf(before, at + 1)) {
    after.copy(bytes, at);
    patched += 1;
  }
  expect(patched).toBeGreaterThan(0);
  await writeFile(path, bytes);
}

/** Makes the first central-directory record claim `size` uncompressed bytes. */
async function declareUncompressedSize(path: string, size: number): Promise<void> {
  const bytes = await readFile(path);
  const centralDirectory = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bytes.writeUInt32LE(size, centralDirectory + 24);
  await writeFile(path, bytes);
}

async function failure(promise: Promise<unknown>): Promise<ZipSafetyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ZipSafetyError);
    return error as ZipSafetyError;
  }
  throw new Error('expected safeUnzip to fail');
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('safeUnzip', () => {
  let work: string;
  let zipPath: string;
  let target: string;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'safe-unzip-'));
    zipPath = join(work, 'v8_1A76_155ae.zip');
    target = join(work, 'exchange');
  });

  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const importXml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация/>'.repeat(50));
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);

  it('extracts the XML files and product images of a 1C exchange archive', async () => {
    await writeZip(zipPath, [
      { name: 'import0_1.xml', data: importXml },
      { name: 'offers0_1.xml', data: importXml },
      { name: 'import_files/' },
      { name: 'import_files/bd/' },
      { name: 'import_files/bd/bd72d927_80a7832b.jpg', data: jpeg },
    ]);

    const result = await safeUnzip(zipPath, target);

    expect(result.files.map(({ name, kind, bytes }) => ({ name, kind, bytes }))).toEqual([
      { name: 'import0_1.xml', kind: 'xml', bytes: importXml.length },
      { name: 'offers0_1.xml', kind: 'xml', bytes: importXml.length },
      { name: 'import_files/bd/bd72d927_80a7832b.jpg', kind: 'image', bytes: jpeg.length },
    ]);
    expect(result.totalBytes).toBe(2 * importXml.length + jpeg.length);
    expect(result.skipped).toEqual([]);
    expect(await readFile(join(target, 'import_files/bd/bd72d927_80a7832b.jpg'))).toEqual(jpeg);
    expect(result.files[0].path).toBe(join(target, 'import0_1.xml'));
  });

  it('skips images when asked to, and files that are neither XML nor images under import_files/', async () => {
    await writeZip(zipPath, [
      { name: 'import0_1.xml', data: importXml },
      { name: 'import_files/bd/a.jpg', data: jpeg },
      { name: 'logo.png', data: jpeg },
      { name: 'readme.txt', data: Buffer.from('hello') },
      { name: 'exchange.php', data: Buffer.from('<?php system($_GET["c"]);') },
    ]);

    const result = await safeUnzip(zipPath, target, { images: 'skip' });

    expect(result.files.map((file) => file.name)).toEqual(['import0_1.xml']);
    expect(result.skipped).toEqual([
      { name: 'import_files/bd/a.jpg', reason: 'images are skipped' },
      { name: 'logo.png', reason: 'image outside import_files/' },
      { name: 'readme.txt', reason: 'not an XML file or an image' },
      { name: 'exchange.php', reason: 'not an XML file or an image' },
    ]);
    expect(await listFiles(target)).toEqual(['import0_1.xml']);
  });

  // 256 MiB of zeros deflate to ~256 KB (about 1000:1): far past every limit, and built in a second or two.
  describe('a 256 MiB zip bomb', () => {
    let bomb: string;
    const inflatedBytes = 256 * 1024 ** 2;

    beforeAll(async () => {
      bomb = join(await mkdtemp(join(tmpdir(), 'zip-bomb-')), 'bomb.zip');
      await writeZip(bomb, [{ name: 'import0_1.xml', data: () => zeroStream(inflatedBytes), compressionLevel: 9 }]);
    }, 120_000);

    afterAll(async () => {
      await rm(join(bomb, '..'), { recursive: true, force: true });
    });

    it('is refused from its declared sizes before anything is inflated', async () => {
      const rssBefore = process.memoryUsage().rss;

      const error = await failure(safeUnzip(bomb, target));

      expect(error.code).toBe(ZipSafetyErrorCode.CompressionRatio);
      expect(error.message).toMatch(
        /^import0_1\.xml declares a compression ratio of \d{3,}:1; at most 200:1 is accepted$/,
      );
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
      await expect(listFiles(target)).rejects.toThrow(); // the target directory was never created
    });

    it('is stopped while inflating when its header lies about the size', async () => {
      await writeFile(zipPath, await readFile(bomb));
      await declareUncompressedSize(zipPath, 100_000);
      const rssBefore = process.memoryUsage().rss;

      const error = await failure(safeUnzip(zipPath, target));

      expect(error.code).toBe(ZipSafetyErrorCode.SizeMismatch);
      expect(error.message).toContain('import0_1.xml does not inflate to the size its header declares');
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
      expect(await listFiles(target)).toEqual([]); // the partial file was removed
    });

    it('is refused by the entry size cap when the ratio is not checked', async () => {
      const error = await failure(
        safeUnzip(bomb, target, { maxCompressionRatio: Infinity, maxEntryBytes: 128 * 1024 ** 2 }),
      );

      expect(error).toMatchObject({ code: ZipSafetyErrorCode.EntryTooLarge, entry: 'import0_1.xml' });
    });
  });

  it('counts the inflated bytes against the total cap', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 'x');
    await writeZip(zipPath, [
      { name: 'import0_1.xml', data: megabyte },
      { name: 'offers0_1.xml', data: megabyte },
    ]);

    const error = await failure(
      safeUnzip(zipPath, target, { maxTotalBytes: 1.5 * 1024 * 1024, maxCompressionRatio: Infinity }),
    );

    expect(error).toMatchObject({ code: ZipSafetyErrorCode.TotalTooLarge, entry: 'offers0_1.xml' });
    expect(await listFiles(target)).toEqual([]); // the first, complete file is removed too
  });

  it('refuses archives with too many entries', async () => {
    await writeZip(
      zipPath,
      Array.from({ length: 6 }, (_, index) => ({ name: `import0_${index}.xml`, data: importXml })),
    );

    const error = await failure(safeUnzip(zipPath, target, { maxEntries: 5 }));

    expect(error).toMatchObject({ code: ZipSafetyErrorCode.TooManyEntries });
    expect(error.message).toBe('The archive has 6 entries; at most 5 are accepted');
  });

  it.each([
    ['xx/import0_1.xml', '../import0_1.xml', 'DOT_SEGMENT'],
    ['xetc/cron.d.xml', '/etc/cron.d.xml', 'ABSOLUTE_PATH'],
    ['xx\\import0_1.xml', '..\\import0_1.xml', 'DOT_SEGMENT'],
    ['xximport0_1.xml', 'C:import0_1.xml', 'DRIVE_OR_STREAM'],
  ])('refuses a zip-slip entry %j patched to %j', async (innocent, hostile, reason) => {
    await writeZip(zipPath, [{ name: innocent.replace(/\\/g, '_'), data: importXml }]);
    await patch(zipPath, innocent.replace(/\\/g, '_'), hostile);

    const error = await failure(safeUnzip(zipPath, target));

    expect(error).toMatchObject({ code: ZipSafetyErrorCode.UnsafeName, entry: hostile.replace(/\\/g, '/') });
    expect(error.cause).toMatchObject({ code: reason });
    expect(await readdir(work)).toEqual(['v8_1A76_155ae.zip']);
  });

  it('refuses nested archives, by name and by content', async () => {
    await writeZip(zipPath, [{ name: 'import_files/inner.zip', data: Buffer.from('PK\x03\x04 nested', 'latin1') }]);
    expect(await failure(safeUnzip(zipPath, target))).toMatchObject({ code: ZipSafetyErrorCode.NestedArchive });

    await writeZip(zipPath, [{ name: 'import0_1.xml', data: Buffer.from('PK\x03\x04 not xml at all', 'latin1') }]);
    expect(await failure(safeUnzip(zipPath, target))).toMatchObject({
      code: ZipSafetyErrorCode.NestedArchive,
      message: 'import0_1.xml is a zip archive in disguise',
    });
  });

  it('refuses symbolic links and duplicate names', async () => {
    await writeZip(zipPath, [{ name: 'import0_1.xml', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]);
    expect(await failure(safeUnzip(zipPath, target))).toMatchObject({ code: ZipSafetyErrorCode.Symlink });

    await writeZip(zipPath, [
      { name: 'import0_1.xml', data: importXml },
      { name: 'import0_1.xml', data: Buffer.from('<evil/>') },
    ]);
    expect(await failure(safeUnzip(zipPath, target))).toMatchObject({ code: ZipSafetyErrorCode.DuplicateEntry });
  });

  it('reports a file that is not a zip archive as corrupt', async () => {
    await writeFile(zipPath, importXml);

    expect(await failure(safeUnzip(zipPath, target))).toMatchObject({ code: ZipSafetyErrorCode.Corrupt });
  });

  it('stops the inflated stream itself at the first byte over a cap, whatever the header said', async () => {
    // yauzl's validateEntrySizes already fails a stream that outgrows its declared size; this is the layer that
    // holds the caps on the bytes actually produced, so it is exercised directly with an entry that declares little.
    const counter = new InflatedByteCounter(
      { compressedSize: 1000 },
      'import0_1.xml',
      {
        ...DEFAULT_SAFE_UNZIP_LIMITS,
        maxEntryBytes: 3 * 1024 * 1024,
        maxCompressionRatio: Infinity,
      },
      0,
    );
    let produced = 0;
    const source = new Readable({
      read() {
        produced += 1;
        this.push(Buffer.alloc(1024 * 1024));
      },
    });

    await expect(
      pipeline(source, counter, async (inflated) => {
        for await (const _chunk of inflated) {
          // drain
        }
      }),
    ).rejects.toMatchObject({
      code: ZipSafetyErrorCode.EntryTooLarge,
      message: 'import0_1.xml inflates past 3145728 bytes',
    });
    expect(counter.bytes).toBe(4 * 1024 * 1024);
    expect(produced).toBeLessThan(8);
  });
});
