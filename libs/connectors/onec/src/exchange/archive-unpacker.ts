import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppConfig, UnitOfWork } from '@app/core';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { safeUnzip, ZipSafetyError } from '../zip';
import { describeError, ExchangeFailure, withoutServerPaths } from './exchange-failure';
import { ExchangeFileEntity } from './exchange-file.entity';
import { ExchangeSessionEntity } from './exchange-session.entity';
import { ExchangeSessionStore } from './exchange-session.store';
import { ExchangeWorkArea } from './exchange-work-area';
import { SessionLeases } from './session-leases';

type UnpackOutcome = { readonly ok: true } | { readonly ok: false; readonly failure: ExchangeFailure };

/**
 * Extracts the archives 1C uploaded with `zip=yes`, before the first file is imported (as 1C-Bitrix does on the
 * first `mode=import`). Extraction runs on in the background when it takes longer than the import step, holding
 * the session's lease, and the following `mode=import` calls wait for it; the archive is re-extracted from the
 * start if the process dies half-way (nothing is registered until an archive is fully and safely extracted).
 */
@Injectable()
export class ArchiveUnpacker implements OnModuleDestroy {
  private readonly logger = new Logger(ArchiveUnpacker.name);
  private readonly running = new Map<string, { task: Promise<UnpackOutcome>; abort: AbortController }>();

  constructor(
    private readonly config: AppConfig,
    private readonly store: ExchangeSessionStore,
    private readonly workArea: ExchangeWorkArea,
    private readonly leases: SessionLeases,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /**
   * `done` when no archive of the session is waiting (any more); `running` when extraction continues past the
   * deadline. The caller holds the session's lease; a refused archive throws (and has failed the session).
   */
  async unpackPending(session: ExchangeSessionEntity, deadline: number): Promise<'done' | 'running'> {
    let run = this.running.get(session.id);
    if (!run) {
      const waiting = (await this.store.filesOf(session.id, ['archive'])).filter(
        (archive) => archive.phase === 'uploading' || archive.phase === 'unpacking',
      );
      if (waiting.length === 0) {
        return 'done';
      }
      // The extraction keeps the lease until it ends, whether or not a request still waits for it.
      await this.leases.hold(session.id);
      const abort = new AbortController();
      const task = this.unpackAll(session, waiting, abort.signal).finally(() => {
        this.running.delete(session.id);
        return this.leases.drop(session.id);
      });
      run = { task, abort };
      this.running.set(session.id, run);
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      run.task,
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    if (outcome === null) {
      return 'running';
    }
    if (!outcome.ok) {
      throw outcome.failure;
    }
    return 'done';
  }

  /** Stops extractions and waits for them to let go of their leases, before the leases and the database close. */
  async onModuleDestroy(): Promise<void> {
    const running = [...this.running.values()];
    for (const { abort } of running) {
      abort.abort();
    }
    await Promise.allSettled(running.map(({ task }) => task));
  }

  private async unpackAll(
    session: ExchangeSessionEntity,
    archives: ExchangeFileEntity[],
    signal: AbortSignal,
  ): Promise<UnpackOutcome> {
    try {
      for (const archive of archives) {
        await this.unpack(session, archive, signal);
      }
      return { ok: true };
    } catch (error) {
      if (signal.aborted) {
        return { ok: false, failure: new ExchangeFailure('INTERNAL_ERROR', 'Unpacking was interrupted; retry') };
      }
      const failure =
        error instanceof ExchangeFailure
          ? error
          : new ExchangeFailure('INTERNAL_ERROR', `Unpacking failed: ${describeError(error)}`, true, { cause: error });
      if (failure.failsSession) {
        await this.store.fail(session.id, failure.code, failure.reason).catch(() => undefined);
      }
      this.logger.warn({ exchangeSessionId: session.id, reason: failure.reason }, 'A 1C archive was refused');
      return { ok: false, failure };
    }
  }

  private async unpack(
    session: ExchangeSessionEntity,
    archive: ExchangeFileEntity,
    signal: AbortSignal,
  ): Promise<void> {
    const files = this.unitOfWork.manager.getRepository(ExchangeFileEntity);
    await files.update({ id: archive.id }, { phase: 'unpacking', updatedAt: new Date() });
    const { images } = this.config.onec.exchange;
    // Extracted into a folder of its own and then moved into place, so that an extraction that dies half-way (or
    // a second one after a lapsed lease) never leaves or removes anything among the session's files.
    const scratch = this.workArea.scratchDir(session.id, randomUUID());
    let result: Awaited<ReturnType<typeof safeUnzip>>;
    try {
      try {
        result = await safeUnzip(this.workArea.pathOf(session.id, archive.name), scratch, {
          images: images === 'skip' ? 'skip' : 'extract',
          signal,
        });
      } catch (error) {
        if (error instanceof ZipSafetyError && !signal.aborted) {
          const reason = `${archive.name}: ${error.code}: ${withoutServerPaths(error.message)}`;
          await files.update({ id: archive.id }, { phase: 'failed', error: reason, updatedAt: new Date() });
          throw new ExchangeFailure('ARCHIVE_REFUSED', reason, true, { cause: error });
        }
        throw error;
      }
      for (const file of result.files) {
        const target = this.workArea.pathOf(session.id, file.name);
        await mkdir(dirname(target), { recursive: true });
        await rename(file.path, target);
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    const extractedXml = result.files.filter((file) => file.kind === 'xml');
    const extractedImages = result.files.length - extractedXml.length;
    const skippedImages = result.skipped.filter((entry) => entry.reason === 'images are skipped').length;
    await this.unitOfWork.run(async (manager) => {
      for (const file of extractedXml) {
        // Re-registering a name starts the file over: the archive brought new content for it.
        await manager.query(
          `INSERT INTO onec_exchange_files (session_id, name, role, archive, phase, bytes, parts)
           VALUES ($1, $2, 'xml', $3, 'received', $4, 1)
           ON CONFLICT (session_id, name) DO UPDATE
              SET role = 'xml', archive = $3, phase = 'received', bytes = $4, parts = 1, bytes_parsed = 0,
                  records_done = 0, document_kind = NULL, counts = NULL, failed_steps = 0, error = NULL,
                  updated_at = now()`,
          [session.id, file.name, archive.name, file.bytes],
        );
      }
      await manager.query(
        `UPDATE onec_exchange_sessions SET images_stored = images_stored + $2, images_skipped = images_skipped + $3
          WHERE id = $1`,
        [session.id, extractedImages, skippedImages],
      );
      await manager.query(`UPDATE onec_exchange_files SET phase = 'unpacked', updated_at = now() WHERE id = $1`, [
        archive.id,
      ]);
    });
    this.logger.log(
      {
        exchangeSessionId: session.id,
        archive: archive.name,
        xmlFiles: extractedXml.length,
        images: extractedImages,
        bytes: result.totalBytes,
      },
      'Unpacked a 1C archive',
    );
  }
}
