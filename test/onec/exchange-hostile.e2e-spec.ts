import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { FakeOnecExchange, zeroStream } from '@app/testing';
import { onecFixture } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { OnecHarness, startOnecHarness } from './onec-harness';

interface SessionView {
  id: string;
  state: string;
  failureCode: string | null;
  failureReason: string | null;
}

async function writeZip(path: string, entries: { name: string; data: Buffer | (() => Readable) }[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    if (Buffer.isBuffer(entry.data)) {
      zip.addBuffer(entry.data, entry.name);
    } else {
      zip.addReadStream(entry.data(), entry.name, { compressionLevel: 9 });
    }
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}

describe('hostile input through the exchange endpoint', () => {
  let harness: OnecHarness;
  let scratch: string;

  beforeAll(async () => {
    harness = await startOnecHarness({
      ONEC_EXCHANGE_FILE_LIMIT: '204800',
      ONEC_EXCHANGE_MAX_SESSION_BYTES: '4194304',
    });
    scratch = await mkdtemp(join(tmpdir(), 'onec-hostile-'));
  });
  afterAll(async () => {
    await harness?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** A fresh exchange up to init; returns the client and its session as the admin API shows it. */
  const exchange = async (): Promise<{ client: FakeOnecExchange; fileLimit: number }> => {
    const client = harness.client();
    expect((await client.checkauth('catalog')).lines[0]).toBe('success');
    const { fileLimit } = await client.init('catalog');
    return { client, fileLimit };
  };
  const latestSession = async (): Promise<SessionView> =>
    (await harness.adminGet<{ items: SessionView[] }>('/api/v1/admin/exchange-sessions?limit=1')).items[0];

  /** Uploads `data` as `name`, imports `importName`, and expects the session to fail with `code` and `reason`. */
  const expectRefused = async (
    upload: { name: string; data?: Buffer; path?: string },
    importName: string,
    code: string,
    reason: RegExp,
  ) => {
    const { client, fileLimit } = await exchange();
    const uploaded = await client.upload('catalog', upload, fileLimit);
    expect(uploaded.reply.lines[0]).toBe('success');
    const { reply } = await client.importUntilDone('catalog', importName);
    expect(reply.lines[0]).toBe('failure');
    expect(reply.lines[1]).toMatch(new RegExp(`^${code}: `));
    expect(reply.lines[1]).toMatch(reason);
    const session = await latestSession();
    expect(session).toMatchObject({ state: 'failed', failureCode: code });
    // Every later call of the session repeats the reason instead of carrying on.
    const later = await client.call('catalog', 'import', { filename: importName });
    expect(later.lines).toEqual(['failure', `SESSION_FAILED: ${session.failureReason}`]);
    return reply;
  };

  it.each([
    ['an external entity (XXE)', 'not-ok/xxe/external-entity.xml', 'DOCTYPE_FORBIDDEN'],
    ['billion laughs', 'not-ok/billion-laughs/lol9.xml', 'DOCTYPE_FORBIDDEN'],
    ['malformed XML', 'not-ok/malformed/mismatched-end-tag.xml', 'MALFORMED_XML'],
    ['an unclosed element', 'not-ok/malformed/unclosed-element.xml', 'MALFORMED_XML'],
    [
      'windows-1251 bytes declared UTF-8',
      'not-ok/encoding-mismatch/windows-1251-bytes-declared-utf-8.xml',
      'ENCODING_MISMATCH',
    ],
    ['a BOM declared windows-1251', 'not-ok/encoding-mismatch/bom-but-declared-windows-1251.xml', 'ENCODING_MISMATCH'],
    ['KOI8-R', 'not-ok/unsupported-encoding/koi8-r.xml', 'UNSUPPORTED_ENCODING'],
    ['not CommerceML', 'not-ok/not-commerceml/rss.xml', 'NOT_COMMERCEML'],
  ])('refuses %s with a clear reason', async (_what, fixture, parserCode) => {
    const data = readFileSync(onecFixture(fixture));
    await expectRefused({ name: 'import0_1.xml', data }, 'import0_1.xml', 'XML_REFUSED', new RegExp(parserCode));
  });

  it('refuses a 1 GB zip bomb with bounded memory', async () => {
    const bomb = join(scratch, 'bomb.zip');
    await writeZip(bomb, [{ name: 'import0_1.xml', data: () => zeroStream(1024 ** 3) }]);
    const before = process.resourceUsage().maxRSS;
    const reply = await expectRefused(
      { name: 'v8_BOMB_1.zip', path: bomb },
      'import0_1.xml',
      'ARCHIVE_REFUSED',
      /COMPRESSION_RATIO/,
    );
    expect(reply.lines[1]).toContain('v8_BOMB_1.zip');
    const grownMb = (process.resourceUsage().maxRSS - before) / 1024;
    expect(grownMb).toBeLessThan(128);
    const session = await latestSession();
    const files = await readdir(join(harness.workDir, session.id, 'files'));
    expect(files).toEqual(['v8_BOMB_1.zip']);
  });

  it('refuses an archive whose entry climbs out of the work area (zip slip)', async () => {
    const archive = join(scratch, 'slip.zip');
    const zip = new yazl.ZipFile();
    // yazl refuses "../" itself; write a harmless name and patch it, as an attacker's tool would.
    zip.addBuffer(Buffer.from('<КоммерческаяИнформация/>'), 'xx/evil.xml');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) {
      chunks.push(chunk as Buffer);
    }
    const bytes = Buffer.from(
      Buffer.concat(chunks).toString('latin1').replaceAll('xx/evil.xml', '../evil.xml'),
      'latin1',
    );
    await pipeline(Readable.from([bytes]), createWriteStream(archive));
    await expectRefused({ name: 'v8_SLIP_1.zip', path: archive }, 'import0_1.xml', 'ARCHIVE_REFUSED', /UNSAFE_NAME/);
    expect(existsSync(join(harness.workDir, 'evil.xml'))).toBe(false);
  });

  it.each([
    ['a parent-directory path', '../../evil.xml'],
    ['an absolute path', '/etc/cron.d/evil.xml'],
    ['backslash tricks', '..\\..\\evil.xml'],
    ['a drive letter', 'C:\\Windows\\evil.xml'],
  ])('refuses %s as a file name and fails the session', async (_what, filename) => {
    const { client } = await exchange();
    const reply = await client.call('catalog', 'file', { filename }, { body: Buffer.from('<x/>') });
    expect(reply.lines[0]).toBe('failure');
    expect(reply.lines[1]).toMatch(/^UNSAFE_FILENAME: Unsafe exchange file name/);
    expect(await latestSession()).toMatchObject({ state: 'failed', failureCode: 'UNSAFE_FILENAME' });
    expect(existsSync(join(harness.workDir, '..', 'evil.xml'))).toBe(false);
  });

  it('refuses a part larger than file_limit, and a session over its byte cap', async () => {
    const { client } = await exchange();
    const tooBig = await client.call('catalog', 'file', { filename: 'import0_1.xml' }, { body: Buffer.alloc(204_801) });
    expect(tooBig.lines).toEqual([
      'failure',
      expect.stringMatching(/^PART_TOO_LARGE: import0_1\.xml: a part of 204801 bytes/),
    ]);

    const second = await exchange();
    let last;
    for (let part = 0; part < 21; part += 1) {
      last = await second.client.call(
        'catalog',
        'file',
        { filename: 'big.xml' },
        { body: Buffer.alloc(204_800, 0x20) },
      );
      if (last.lines[0] !== 'success') {
        break;
      }
    }
    expect(last?.lines[1]).toMatch(/^SESSION_TOO_LARGE: /);
    expect(await latestSession()).toMatchObject({ state: 'failed', failureCode: 'SESSION_TOO_LARGE' });
  });

  it('refuses file types it has no use for, and imports of files never uploaded', async () => {
    const { client } = await exchange();
    const script = await client.call('catalog', 'file', { filename: 'shell.php' }, { body: Buffer.from('<?php ?>') });
    expect(script.lines[1]).toMatch(/^FILE_TYPE_REFUSED: /);
    const missing = await client.call('catalog', 'import', { filename: 'import0_1.xml' });
    expect(missing.lines).toEqual(['failure', 'FILE_NOT_UPLOADED: import0_1.xml was not uploaded in this exchange']);
  });
});
