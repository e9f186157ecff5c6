import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { sanitizeExchangeFilename, UnsafeExchangeFilenameError } from './exchange-filename';

export interface SafeUnzipLimits {
  /** Entries in the central directory, directories included; default 1000. */
  maxEntries: number;
  /** Inflated bytes of all extracted entries together; default 2 GiB. */
  maxTotalBytes: number;
  /** Inflated bytes of one entry; default 1 GiB. */
  maxEntryBytes: number;
  /**
   * Inflated : compressed size of one entry; default 200. CommerceML compresses about 30–40:1; a zip bomb
   * compresses 1000:1. Entries under 1 MiB are exempt, as tiny files can legitimately compress very well.
   */
  maxCompressionRatio: number;
}

export const DEFAULT_SAFE_UNZIP_LIMITS: Readonly<SafeUnzipLimits> = {
  maxEntries: 1000,
  maxTotalBytes: 2 * 1024 ** 3,
  maxEntryBytes: 1024 ** 3,
  maxCompressionRatio: 200,
};

export interface SafeUnzipOptions extends Partial<SafeUnzipLimits> {
  /** Images under `import_files/`: written out (default) or left in the archive. */
  images?: 'extract' | 'skip';
  signal?: AbortSignal;
}

export interface UnzippedFile {
  /** sanitised path inside the archive, `/`-separated */
  name: string;
  /** absolute path of the extracted file */
  path: string;
  bytes: number;
  kind: 'xml' | 'image';
}

export interface SafeUnzipResult {
  files: UnzippedFile[];
  /** entries deliberately not extracted, with the reason */
  skipped: { name: string; reason: string }[];
  totalBytes: number;
}

export enum ZipSafetyErrorCode {
  TooManyEntries = 'TOO_MANY_ENTRIES',
  EntryTooLarge = 'ENTRY_TOO_LARGE',
  TotalTooLarge = 'TOTAL_TOO_LARGE',
  CompressionRatio = 'COMPRESSION_RATIO',
  SizeMismatch = 'SIZE_MISMATCH',
  UnsafeName = 'UNSAFE_NAME',
  DuplicateEntry = 'DUPLICATE_ENTRY',
  NestedArchive = 'NESTED_ARCHIVE',
  Symlink = 'SYMLINK',
  Encrypted = 'ENCRYPTED',
  Corrupt = 'CORRUPT',
}

export class ZipSafetyError extends Error {
  constructor(
    readonly code: ZipSafetyErrorCode,
    message: string,
    readonly entry?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ZipSafetyError';
  }
}

const RATIO_EXEMPT_BYTES = 1024 * 1024;
const ARCHIVE_EXTENSIONS = /\.(zip|rar|7z|gz|tgz|tar|bz2|xz|zst|cab|jar)$/i;
const IMAGE_EXTENSIONS = /\.(jpe?g|png|gif|webp|bmp)$/i;
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Extracts the XML files (and the product images under `import_files/`) of an archive 1C uploaded, refusing zip
 * bombs and path tricks. Sizes in the archive are only believed long enough to refuse early: the inflated bytes are
 * counted as they stream and extraction stops at the first byte over a limit. On failure, files already extracted
 * by this call are removed.
 */
export async function safeUnzip(
  zipPath: string,
  destDir: string,
  options: SafeUnzipOptions = {},
): Promise<SafeUnzipResult> {
  const limits: SafeUnzipLimits = {
    maxEntries: options.maxEntries ?? DEFAULT_SAFE_UNZIP_LIMITS.maxEntries,
    maxTotalBytes: options.maxTotalBytes ?? DEFAULT_SAFE_UNZIP_LIMITS.maxTotalBytes,
    maxEntryBytes: options.maxEntryBytes ?? DEFAULT_SAFE_UNZIP_LIMITS.maxEntryBytes,
    maxCompressionRatio: options.maxCompressionRatio ?? DEFAULT_SAFE_UNZIP_LIMITS.maxCompressionRatio,
  };
  const root = resolve(destDir);
  const zip = await openZip(zipPath);
  const result: SafeUnzipResult = { files: [], skipped: [], totalBytes: 0 };
  const written: string[] = [];
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new ZipSafetyError(
        ZipSafetyErrorCode.TooManyEntries,
        `The archive has ${zip.entryCount} entries; at most ${limits.maxEntries} are accepted`,
      );
    }
    const seen = new Set<string>();
    let declaredTotal = 0;
    for await (const entry of readEntries(zip)) {
      options.signal?.throwIfAborted();
      const name = entryName(entry);
      if (seen.has(name)) {
        throw new ZipSafetyError(ZipSafetyErrorCode.DuplicateEntry, `The archive contains ${name} twice`, name);
      }
      seen.add(name);
      if (entry.fileNameRaw.at(-1) === 0x2f || entry.fileNameRaw.at(-1) === 0x5c) {
        continue; // directory entry; directories are created for the files inside them
      }
      const kind = classify(name, entry, options.images ?? 'extract', result.skipped);
      if (kind === null) {
        continue;
      }
      declaredTotal += entry.uncompressedSize;
      checkDeclaredSizes(entry, name, declaredTotal, limits);
      const path = resolve(root, name);
      if (!path.startsWith(root + sep)) {
        throw new ZipSafetyError(ZipSafetyErrorCode.UnsafeName, `${name} resolves outside the target directory`, name);
      }
      await mkdir(dirname(path), { recursive: true });
      written.push(path);
      const counter = new InflatedByteCounter(entry, name, limits, result.totalBytes);
      await extract(zip, entry, name, counter, path, options.signal);
      result.totalBytes += counter.bytes;
      result.files.push({ name, path, bytes: counter.bytes, kind });
    }
    return result;
  } catch (error) {
    await Promise.all(written.map((path) => rm(path, { force: true })));
    throw error;
  } finally {
    if (zip.isOpen) {
      zip.close();
    }
  }
}

function entryName(entry: Entry): string {
  // Decoded here rather than by yauzl, so that a bad name fails with our typed error instead of a generic one.
  const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
  const withoutSlash = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  try {
    return sanitizeExchangeFilename(withoutSlash);
  } catch (error) {
    if (error instanceof UnsafeExchangeFilenameError) {
      throw new ZipSafetyError(ZipSafetyErrorCode.UnsafeName, error.message, raw, { cause: error });
    }
    throw error;
  }
}

function classify(
  name: string,
  entry: Entry,
  images: 'extract' | 'skip',
  skipped: SafeUnzipResult['skipped'],
): UnzippedFile['kind'] | null {
  if (ARCHIVE_EXTENSIONS.test(name)) {
    throw new ZipSafetyError(ZipSafetyErrorCode.NestedArchive, `Nested archive ${name} is not accepted`, name);
  }
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    throw new ZipSafetyError(ZipSafetyErrorCode.Symlink, `${name} is a symbolic link`, name);
  }
  if (entry.isEncrypted()) {
    throw new ZipSafetyError(ZipSafetyErrorCode.Encrypted, `${name} is encrypted`, name);
  }
  if (/\.xml$/i.test(name)) {
    return 'xml';
  }
  if (!IMAGE_EXTENSIONS.test(name)) {
    skipped.push({ name, reason: 'not an XML file or an image' });
    return null;
  }
  if (!name.startsWith('import_files/')) {
    skipped.push({ name, reason: 'image outside import_files/' });
    return null;
  }
  if (images === 'skip') {
    skipped.push({ name, reason: 'images are skipped' });
    return null;
  }
  return 'image';
}

function checkDeclaredSizes(entry: Entry, name: string, declaredTotal: number, limits: SafeUnzipLimits): void {
  const size = entry.uncompressedSize;
  if (size > limits.maxEntryBytes) {
    throw new ZipSafetyError(
      ZipSafetyErrorCode.EntryTooLarge,
      `${name} declares ${size} bytes; at most ${limits.maxEntryBytes} are accepted per entry`,
      name,
    );
  }
  if (declaredTotal > limits.maxTotalBytes) {
    throw new ZipSafetyError(
      ZipSafetyErrorCode.TotalTooLarge,
      `The archive declares more than ${limits.maxTotalBytes} bytes in total`,
      name,
    );
  }
  if (size > RATIO_EXEMPT_BYTES && size > entry.compressedSize * limits.maxCompressionRatio) {
    throw new ZipSafetyError(
      ZipSafetyErrorCode.CompressionRatio,
      `${name} declares a compression ratio of ${Math.round(size / Math.max(entry.compressedSize, 1))}:1; ` +
        `at most ${limits.maxCompressionRatio}:1 is accepted`,
      name,
    );
  }
}

/**
 * Counts inflated bytes and stops the stream at the first chunk over a limit, whatever the headers claim. With
 * yauzl's validateEntrySizes on, a header that understates the size usually trips yauzl first; this keeps the caps
 * on the bytes actually produced either way. Exported for its spec only.
 */
export class InflatedByteCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly entry: Pick<Entry, 'compressedSize'>,
    private readonly name: string,
    private readonly limits: SafeUnzipLimits,
    private readonly bytesBefore: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.bytes === 0 && chunk.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
      callback(
        new ZipSafetyError(ZipSafetyErrorCode.NestedArchive, `${this.name} is a zip archive in disguise`, this.name),
      );
      return;
    }
    this.bytes += chunk.length;
    callback(this.overLimit(), chunk);
  }

  private overLimit(): ZipSafetyError | null {
    const { bytes, entry, name, limits } = this;
    if (bytes > limits.maxEntryBytes) {
      return new ZipSafetyError(
        ZipSafetyErrorCode.EntryTooLarge,
        `${name} inflates past ${limits.maxEntryBytes} bytes`,
        name,
      );
    }
    if (this.bytesBefore + bytes > limits.maxTotalBytes) {
      return new ZipSafetyError(
        ZipSafetyErrorCode.TotalTooLarge,
        `The archive inflates past ${limits.maxTotalBytes} bytes`,
        name,
      );
    }
    if (bytes > RATIO_EXEMPT_BYTES && bytes > entry.compressedSize * limits.maxCompressionRatio) {
      return new ZipSafetyError(
        ZipSafetyErrorCode.CompressionRatio,
        `${name} inflates past ${limits.maxCompressionRatio}:1`,
        name,
      );
    }
    return null;
  }
}

async function extract(
  zip: ZipFile,
  entry: Entry,
  name: string,
  counter: InflatedByteCounter,
  path: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const source = await new Promise<NodeJS.ReadableStream>((resolveStream, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(corrupt(name, error)) : resolveStream(stream)));
  });
  try {
    await pipeline(source, counter, createWriteStream(path), { signal });
  } catch (error) {
    // By name: the stream's AbortError need not come from this realm's Error (e.g. under jest's VM modules).
    if (error instanceof ZipSafetyError || (error as { name?: unknown } | null)?.name === 'AbortError') {
      throw error;
    }
    // yauzl's own check (validateEntrySizes) fires when the inflated data outgrows the declared size.
    if (error instanceof Error && /bytes in the stream/.test(error.message)) {
      throw new ZipSafetyError(
        ZipSafetyErrorCode.SizeMismatch,
        `${name} does not inflate to the size its header declares (${error.message})`,
        name,
        { cause: error },
      );
    }
    throw corrupt(name, error);
  }
}

function corrupt(name: string, error: unknown): ZipSafetyError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ZipSafetyError(ZipSafetyErrorCode.Corrupt, `${name} cannot be read: ${reason}`, name, { cause: error });
}

function openZip(zipPath: string): Promise<ZipFile> {
  return new Promise((resolveZip, reject) => {
    yauzl.open(
      zipPath,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (error, zip) => (error ? reject(corrupt(zipPath, error)) : resolveZip(zip)),
    );
  });
}

async function* readEntries(zip: ZipFile): AsyncGenerator<Entry> {
  for (;;) {
    const entry = await new Promise<Entry | null>((resolveEntry, reject) => {
      const cleanup = (): void => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      const onEntry = (next: Entry): void => {
        cleanup();
        resolveEntry(next);
      };
      const onEnd = (): void => {
        cleanup();
        resolveEntry(null);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(corrupt('the central directory', error));
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (entry === null) {
      return;
    }
    yield entry;
  }
}
