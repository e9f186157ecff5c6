import { createWriteStream } from 'node:fs';
import { mkdir, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { sanitizeExchangeFilename, UnsafeExchangeFilenameError } from '../zip';
import { OnecMetrics } from '../onec.metrics';
import { describeError, ExchangeFailure } from './exchange-failure';
import { ExchangeFileEntity, ExchangeFileRole } from './exchange-file.entity';
import { ExchangeSessionEntity } from './exchange-session.entity';
import { ExchangeSessionStore } from './exchange-session.store';
import { ExchangeWorkArea } from './exchange-work-area';

export interface ReceivedPart {
  readonly name: string;
  readonly role: ExchangeFileRole;
  readonly bytes: number;
  /** False when the part was an image and images are configured to be skipped. */
  readonly stored: boolean;
}

const IMAGE = /\.(jpe?g|png|gif|webp|bmp)$/i;

/** Sanitises a `filename` parameter; anything that could leave the session folder fails the session. */
export function exchangeFileName(raw: string | undefined): string {
  if (raw === undefined || raw === '') {
    throw new ExchangeFailure('FILENAME_REQUIRED', 'The filename parameter is missing');
  }
  try {
    return sanitizeExchangeFilename(raw);
  } catch (error) {
    if (error instanceof UnsafeExchangeFilenameError) {
      throw new ExchangeFailure('UNSAFE_FILENAME', error.message, true, { cause: error });
    }
    throw error;
  }
}

function roleOf(name: string): ExchangeFileRole {
  if (/\.xml$/i.test(name)) {
    return 'xml';
  }
  if (/\.zip$/i.test(name)) {
    return 'archive';
  }
  if (IMAGE.test(name) && name.startsWith('import_files/')) {
    return 'image';
  }
  throw new ExchangeFailure(
    'FILE_TYPE_REFUSED',
    `${name}: only .xml files, .zip archives and images under import_files/ are accepted`,
  );
}

/**
 * `mode=file`: appends one raw POST body to the named file of the session, streamed to disk (never held in
 * memory), within `file_limit` per part and the session's byte cap. The committed size of each file is kept in
 * PostgreSQL, so a part that broke off half-way (client gone, process killed) is cut away before the next one is
 * appended, instead of corrupting the file.
 */
@Injectable()
export class ExchangeUploadService {
  constructor(
    private readonly config: AppConfig,
    private readonly store: ExchangeSessionStore,
    private readonly workArea: ExchangeWorkArea,
    private readonly unitOfWork: UnitOfWork,
    private readonly metrics: OnecMetrics,
  ) {}

  async receive(
    session: ExchangeSessionEntity,
    rawName: string | undefined,
    body: Readable,
    contentLength: number | undefined,
  ): Promise<ReceivedPart> {
    const name = exchangeFileName(rawName);
    const role = roleOf(name);
    const { fileLimitBytes, maxSessionBytes, images } = this.config.onec.exchange;
    if (contentLength !== undefined && contentLength > fileLimitBytes) {
      throw new ExchangeFailure(
        'PART_TOO_LARGE',
        `${name}: a part of ${contentLength} bytes exceeds file_limit=${fileLimitBytes}`,
        true,
      );
    }
    const stored = role !== 'image' || images === 'store';
    const file = await this.fileForAppend(session, name, role);
    const path = stored ? this.workArea.pathOf(session.id, name) : undefined;
    const committed = Number(file.bytes);
    if (path) {
      await mkdir(dirname(path), { recursive: true });
      await this.cutBackTo(path, committed, name);
    }
    // A part of unknown length may be as long as file_limit; 1C sends Content-Length, so this is rarely more than
    // the part needs.
    const wanted = contentLength ?? fileLimitBytes;
    const room = await this.store.reserveUpload(session.id, wanted, maxSessionBytes);
    const limiter = new PartLimiter(name, fileLimitBytes, room, maxSessionBytes);
    try {
      if (room < wanted && contentLength !== undefined) {
        throw limiter.sessionTooLarge();
      }
      await this.stream(body, limiter, path, committed);
      await this.commit(session, file, limiter.bytes, room - limiter.bytes, stored);
    } catch (error) {
      await this.store.releaseUpload(session.id, room);
      throw error;
    }
    return { name, role, bytes: limiter.bytes, stored };
  }

  /** The part onto the end of its file (or nowhere, for a skipped image); a part that broke off is cut away. */
  private async stream(body: Readable, limiter: PartLimiter, path: string | undefined, committed: number) {
    if (!path) {
      await pipeline(body, limiter, new Writable({ write: (_chunk, _encoding, done) => done() }));
      return;
    }
    try {
      await pipeline(body, limiter, createWriteStream(path, { flags: 'a' }));
    } catch (error) {
      await truncate(path, committed).catch(() => undefined);
      if (error instanceof ExchangeFailure) {
        throw error;
      }
      throw new ExchangeFailure(
        'UPLOAD_INTERRUPTED',
        `${limiter.name}: the upload broke off (${describeError(error)})`,
        false,
        { cause: error },
      );
    }
  }

  /** The file's row; a file that was already imported (or failed) starts over: same name, new content. */
  private async fileForAppend(
    session: ExchangeSessionEntity,
    name: string,
    role: ExchangeFileRole,
  ): Promise<ExchangeFileEntity> {
    const existing = await this.store.file(session.id, name);
    if (existing && (existing.phase === 'uploading' || existing.role === 'image')) {
      return existing;
    }
    const fresh = {
      role,
      archive: null,
      phase: 'uploading' as const,
      bytes: '0',
      parts: 0,
      bytesParsed: '0',
      recordsDone: 0,
      documentKind: null,
      counts: null,
      failedSteps: 0,
      error: null,
    };
    const repository = this.unitOfWork.manager.getRepository(ExchangeFileEntity);
    if (existing) {
      await repository.update({ id: existing.id }, fresh);
      return { ...existing, ...fresh };
    }
    await repository
      .createQueryBuilder()
      .insert()
      .values({ sessionId: session.id, name, ...fresh })
      .orIgnore()
      .execute();
    return repository.findOneByOrFail({ sessionId: session.id, name });
  }

  private async cutBackTo(path: string, committed: number, name: string): Promise<void> {
    const size = await stat(path).then(
      (info) => info.size,
      () => 0,
    );
    if (size > committed) {
      await truncate(path, committed);
    } else if (size < committed) {
      throw new ExchangeFailure(
        'UPLOAD_CONFLICT',
        `${name}: ${committed} bytes were received but only ${size} are in the work area (was it cleaned?)`,
        true,
      );
    }
  }

  private async commit(
    session: ExchangeSessionEntity,
    file: ExchangeFileEntity,
    bytes: number,
    unusedRoom: number,
    stored: boolean,
  ): Promise<void> {
    const newFile = file.parts === 0;
    await this.unitOfWork.run(async (manager) => {
      const [, updated] = await manager.query<[unknown[], number]>(
        `UPDATE onec_exchange_files SET bytes = bytes + $3, parts = parts + 1, updated_at = now()
          WHERE id = $1 AND bytes = $2`,
        [file.id, stored ? file.bytes : '0', stored ? bytes : 0],
      );
      if (updated !== 1) {
        throw new ExchangeFailure('UPLOAD_CONFLICT', `${file.name}: two uploads of the same file overlapped`, true);
      }
      await this.store.addUpload(session.id, unusedRoom, stored ? file.role : 'skipped-image', newFile);
    });
    this.metrics.uploadedBytes.inc({ type: session.type }, bytes);
  }
}

/** Counts a part's bytes and stops it at the first byte over `file_limit` or the room it has under the session's cap. */
class PartLimiter extends Transform {
  bytes = 0;

  constructor(
    readonly name: string,
    private readonly partLimit: number,
    private readonly sessionRoom: number,
    private readonly sessionLimit: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.partLimit) {
      callback(
        new ExchangeFailure('PART_TOO_LARGE', `${this.name}: a part exceeds file_limit=${this.partLimit} bytes`, true),
      );
      return;
    }
    if (this.bytes > this.sessionRoom) {
      callback(this.sessionTooLarge());
      return;
    }
    callback(null, chunk);
  }

  sessionTooLarge(): ExchangeFailure {
    return new ExchangeFailure(
      'SESSION_TOO_LARGE',
      `The exchange session exceeds its ${this.sessionLimit}-byte upload limit (ONEC_EXCHANGE_MAX_SESSION_BYTES)`,
      true,
    );
  }
}
