import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import yazl from 'yazl';

export type FakeOnecExchangeType = 'catalog' | 'sale';

/** A file 1C uploads: from disk, or bytes in memory. */
export interface FakeOnecFile {
  /** The name 1C sends as `filename` (and the path inside the archive with `zip=yes`). */
  readonly name: string;
  readonly path?: string;
  readonly data?: Buffer;
}

export interface FakeOnecExchangeOptions {
  /** Origin of the middleware, e.g. `http://127.0.0.1:3000`; may be changed between calls (a restarted API). */
  baseUrl: string;
  /** Defaults to 1C-Bitrix's path, which a 1C exchange node points at. */
  readonly path?: string;
  readonly login: string;
  readonly password: string;
  /** Send HTTP Basic on every call, not only on checkauth (some 1C versions do). */
  readonly basicOnEveryCall?: boolean;
  /** Drop the session cookie after checkauth, as behind a proxy that loses it. */
  readonly dropCookie?: boolean;
  /** Append `&sessid=` to calls after checkauth (1C does); default true. */
  readonly sendSessid?: boolean;
  /** Most `mode=import` calls per file before the client gives up; default 100,000. */
  readonly maxImportCalls?: number;
  /** How long one call may take before the client gives up on it (1C's exchange node has a timeout); default none. */
  readonly requestTimeoutMs?: number;
}

export interface ExchangeCallRecord {
  readonly type: FakeOnecExchangeType;
  readonly mode: string;
  readonly filename?: string;
  readonly method: 'GET' | 'POST';
  /** The reply's first line (`success`, `progress`, `failure`, `zip=yes`…), or `xml`. */
  readonly status: string;
  readonly text: string;
  readonly ms: number;
}

export interface ExchangeReplyText {
  readonly httpStatus: number;
  readonly contentType: string;
  readonly bytes: Buffer;
  /** Decoded by the reply's charset. */
  readonly text: string;
  readonly lines: string[];
}

export interface CatalogExchangeOptions {
  readonly files: readonly FakeOnecFile[];
  /** Images under `import_files/`: put in the archive with `zip=yes`, uploaded one by one otherwise. */
  readonly images?: readonly FakeOnecFile[];
  /** `auto` (default) zips when the site answers `zip=yes`. */
  readonly zip?: 'auto' | 'never';
  /** Names of the files to import, in order; default: every file of `files`. */
  readonly importOrder?: readonly string[];
  /** Called after every `mode=import` reply; a test can restart the API here (and change `baseUrl`). */
  readonly afterImportCall?: (reply: ExchangeReplyText, file: string, call: number) => Promise<void>;
  /** Send `mode=complete` at the end, as the 1C-Bitrix module does. */
  readonly complete?: boolean;
  /**
   * Send `mode=deactivate&timestamp=<exchange start>` before `complete`, as the 1C-Bitrix module does after a full
   * upload: what the exchange did not touch is to be deactivated, whatever the packages said.
   */
  readonly deactivate?: boolean;
}

export interface CatalogExchangeResult {
  readonly zipped: boolean;
  readonly fileLimit: number;
  readonly uploadRequests: number;
  readonly importCalls: number;
  /** The last reply of each file's import. */
  readonly finalReplies: Record<string, string>;
  /** Set when the exchange stopped at a `failure`. */
  readonly failure?: string;
}

export interface SaleExchangeOptions {
  /** `version` on `init` (УТ 11 sends 2.08); null sends none, which selects 1C-Bitrix's old single-request flow. */
  readonly version?: string | null;
  /** 1C's documents to send back after the query. */
  readonly documents?: readonly FakeOnecFile[];
  /** Skip `mode=success` (1C crashed after reading the query). */
  readonly skipSuccess?: boolean;
}

export interface SaleExchangeResult {
  readonly query: ExchangeReplyText;
  readonly success?: ExchangeReplyText;
  readonly documentReplies: string[];
  readonly failure?: string;
}

/**
 * Replays 1C:Управление торговлей's "exchange with a site" against a real endpoint over HTTP, call for call:
 * checkauth (Basic) → init → file uploads cut at the `file_limit` the site announced (one archive with `zip=yes`)
 * → `mode=import` repeated while the site answers `progress`; and for orders query → success → file → import.
 * Used by the tests, the benchmark and `scripts/fake-1c.ts`.
 */
export class FakeOnecExchange {
  readonly transcript: ExchangeCallRecord[] = [];
  private cookie?: { name: string; value: string };
  private sessid?: string;

  constructor(readonly options: FakeOnecExchangeOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  set baseUrl(url: string) {
    this.options.baseUrl = url;
  }

  /** The session cookie value after checkauth. */
  get sessionCookie(): string | undefined {
    return this.cookie?.value;
  }

  async checkauth(type: FakeOnecExchangeType): Promise<ExchangeReplyText> {
    this.cookie = undefined;
    this.sessid = undefined;
    const reply = await this.call(type, 'checkauth', {}, { basic: true });
    if (reply.lines[0] === 'success') {
      this.cookie = { name: reply.lines[1], value: reply.lines[2] };
      const sessid = reply.lines.find((line) => line.startsWith('sessid='));
      this.sessid = sessid?.slice('sessid='.length);
    }
    return reply;
  }

  async init(
    type: FakeOnecExchangeType,
    version?: string | null,
  ): Promise<{ zip: boolean; fileLimit: number; reply: ExchangeReplyText }> {
    const reply = await this.call(type, 'init', version ? { version } : {});
    const value = (key: string) => reply.lines.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1);
    return { zip: value('zip') === 'yes', fileLimit: Number(value('file_limit') ?? 0), reply };
  }

  /** POSTs the file in parts of at most `fileLimit` bytes; stops at the first reply that is not `success`. */
  async upload(
    type: FakeOnecExchangeType,
    file: FakeOnecFile,
    fileLimit: number,
  ): Promise<{ parts: number; reply: ExchangeReplyText }> {
    const size = file.data?.length ?? (await stat(file.path!)).size;
    let parts = 0;
    let reply: ExchangeReplyText | undefined;
    for (let offset = 0; offset < size || parts === 0; offset += fileLimit) {
      const body = file.data
        ? file.data.subarray(offset, offset + fileLimit)
        : await readSlice(file.path!, offset, Math.min(fileLimit, size - offset));
      reply = await this.call(type, 'file', { filename: file.name }, { body });
      parts += 1;
      if (reply.lines[0] !== 'success') {
        break;
      }
    }
    return { parts, reply: reply! };
  }

  /** Repeats `mode=import` for one file while the site answers `progress`. */
  async importUntilDone(
    type: FakeOnecExchangeType,
    name: string,
    afterCall?: (reply: ExchangeReplyText, call: number) => Promise<void>,
  ): Promise<{ reply: ExchangeReplyText; calls: number }> {
    const limit = this.options.maxImportCalls ?? 100_000;
    for (let calls = 1; ; calls += 1) {
      const reply = await this.call(type, 'import', { filename: name });
      await afterCall?.(reply, calls);
      if (reply.lines[0] !== 'progress') {
        return { reply, calls };
      }
      if (calls >= limit) {
        throw new Error(`${name}: still progress after ${calls} import calls`);
      }
    }
  }

  /** The whole catalog exchange, as УТ 11's exchange node runs it. */
  async runCatalogExchange(options: CatalogExchangeOptions): Promise<CatalogExchangeResult> {
    const startedAt = Date.now();
    const auth = await this.checkauth('catalog');
    if (auth.lines[0] !== 'success') {
      return failed(auth, { zipped: false, fileLimit: 0, uploadRequests: 0, importCalls: 0, finalReplies: {} });
    }
    const { zip, fileLimit } = await this.init('catalog');
    const zipped = zip && options.zip !== 'never';
    let uploadRequests = 0;
    let importCalls = 0;
    const finalReplies: Record<string, string> = {};
    const progress = () => ({ zipped, fileLimit, uploadRequests, importCalls, finalReplies });
    const uploads = zipped ? [await this.archive([...options.files, ...(options.images ?? [])])] : null;
    try {
      for (const file of uploads ?? [...options.files, ...(options.images ?? [])]) {
        const { parts, reply } = await this.upload('catalog', file, fileLimit);
        uploadRequests += parts;
        if (reply.lines[0] !== 'success') {
          return failed(reply, progress());
        }
      }
    } finally {
      if (uploads) {
        await rm(join(uploads[0].path!, '..'), { recursive: true, force: true });
      }
    }
    for (const name of options.importOrder ?? options.files.map((file) => file.name)) {
      const { reply, calls } = await this.importUntilDone('catalog', name, (answer, call) =>
        options.afterImportCall ? options.afterImportCall(answer, name, call) : Promise.resolve(),
      );
      importCalls += calls;
      finalReplies[name] = reply.text;
      if (reply.lines[0] !== 'success') {
        return failed(reply, progress());
      }
    }
    if (options.deactivate) {
      await this.call('catalog', 'deactivate', { timestamp: String(Math.floor(startedAt / 1000)) });
    }
    if (options.complete) {
      await this.call('catalog', 'complete', {});
    }
    return progress();
  }

  /** The order exchange: query → success → 1C's documents back (file, then import when a version was agreed). */
  async runSaleExchange(options: SaleExchangeOptions = {}): Promise<SaleExchangeResult> {
    const auth = await this.checkauth('sale');
    const version = options.version === undefined ? '2.08' : options.version;
    if (auth.lines[0] !== 'success') {
      return { query: auth, documentReplies: [], failure: auth.text };
    }
    const { fileLimit } = await this.init('sale', version);
    const query = await this.call('sale', 'query', {});
    if (query.lines[0] === 'failure') {
      return { query, documentReplies: [], failure: query.text };
    }
    const success = options.skipSuccess ? undefined : await this.call('sale', 'success', {});
    const documentReplies: string[] = [];
    for (const document of options.documents ?? []) {
      const { reply } = await this.upload('sale', document, fileLimit);
      documentReplies.push(reply.text);
      if (reply.lines[0] !== 'success') {
        return { query, success, documentReplies, failure: reply.text };
      }
      if (version !== null) {
        const imported = await this.importUntilDone('sale', document.name);
        documentReplies.push(imported.reply.text);
        if (imported.reply.lines[0] !== 'success') {
          return { query, success, documentReplies, failure: imported.reply.text };
        }
      }
    }
    return { query, success, documentReplies };
  }

  /** One protocol call. */
  async call(
    type: FakeOnecExchangeType,
    mode: string,
    params: Record<string, string>,
    { body, basic }: { body?: Buffer; basic?: boolean } = {},
  ): Promise<ExchangeReplyText> {
    const query = new URLSearchParams({ type, mode, ...params });
    if (this.sessid && mode !== 'checkauth' && this.options.sendSessid !== false) {
      query.set('sessid', this.sessid);
    }
    const headers: Record<string, string> = { 'user-agent': '1C+Enterprise/8.3' };
    if (basic || this.options.basicOnEveryCall) {
      headers.authorization = `Basic ${Buffer.from(`${this.options.login}:${this.options.password}`).toString('base64')}`;
    }
    if (this.cookie && !this.options.dropCookie) {
      headers.cookie = `${this.cookie.name}=${this.cookie.value}`;
    }
    if (body) {
      headers['content-type'] = 'application/octet-stream';
    }
    const started = performance.now();
    const response = await fetch(
      `${this.options.baseUrl}${this.options.path ?? '/bitrix/admin/1c_exchange.php'}?${query.toString()}`,
      {
        method: body ? 'POST' : 'GET',
        headers,
        body,
        signal:
          this.options.requestTimeoutMs === undefined ? undefined : AbortSignal.timeout(this.options.requestTimeoutMs),
      },
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get('content-type') ?? '';
    const text = /charset=windows-1251/i.test(contentType) ? iconv.decode(bytes, 'win1251') : bytes.toString('utf8');
    const lines = text.split('\n');
    const isXml = contentType.includes('xml');
    this.transcript.push({
      type,
      mode,
      filename: params.filename,
      method: body ? 'POST' : 'GET',
      status: isXml ? 'xml' : lines[0],
      text: isXml ? `<${bytes.length} bytes of XML>` : text,
      ms: performance.now() - started,
    });
    return { httpStatus: response.status, contentType, bytes, text, lines };
  }

  /** One archive with every file, as 1C builds it for `zip=yes` (`v8_XXXX_N.zip`). */
  private async archive(files: readonly FakeOnecFile[]): Promise<FakeOnecFile> {
    const directory = await mkdtemp(join(tmpdir(), 'fake-1c-'));
    const path = join(
      directory,
      `v8_${Math.floor(Math.random() * 0xffff)
        .toString(16)
        .toUpperCase()}_1.zip`,
    );
    const zip = new yazl.ZipFile();
    for (const file of files) {
      if (file.data) {
        zip.addBuffer(file.data, file.name);
      } else {
        zip.addReadStream(createReadStream(file.path!), file.name);
      }
    }
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(path));
    return { name: basename(path), path };
  }
}

function failed<T extends object>(reply: ExchangeReplyText, result: T): T & { failure: string } {
  return { ...result, failure: reply.text };
}

async function readSlice(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
