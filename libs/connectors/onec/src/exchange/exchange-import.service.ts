import { AppConfig, UnitOfWork } from '@app/core';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CommerceMlError, type CommerceMlRecord, type DocumentRecord, type ParseSummary } from '../commerceml';
import { OnecMetrics } from '../onec.metrics';
import type { CatalogRecord } from '../ports/catalog-import-sink.port';
import { ExchangePorts } from '../ports/exchange-ports';
import { ArchiveUnpacker } from './archive-unpacker';
import { describeError, ExchangeFailure } from './exchange-failure';
import { ExchangeFileEntity } from './exchange-file.entity';
import { ExchangeReply } from './exchange-reply';
import { ExchangeSessionEntity } from './exchange-session.entity';
import { ExchangeSessionStore } from './exchange-session.store';
import { exchangeFileName } from './exchange-upload.service';
import { ExchangeWorkArea } from './exchange-work-area';
import { ImportRun } from './import-run';
import { SessionLeases } from './session-leases';

/** Import steps in a row that may fail for a passing reason (a port error) before the session fails. */
const MAX_FAILED_STEPS = 3;
/** A paused run 1C stopped asking about is closed after this long; a later step re-reads up to the checkpoint. */
const IDLE_RUN_MS = 10 * 60_000;
const LEASE_POLL_MS = 100;

/** The checkpoint moved under this run: another replica (or a re-upload) took over. */
class CheckpointMoved extends Error {
  constructor(file: string) {
    super(`The import checkpoint of ${file} moved; resuming from the stored one`);
    this.name = 'CheckpointMoved';
  }
}

/**
 * `mode=import`: one time-boxed step per request. The first steps of a session extract its archives; then the
 * named file is parsed and delivered to the ports in batches until the step's deadline, when the reply is
 * `progress` and 1C asks again; the last step answers `success`. Each batch commits together with the file's
 * record checkpoint, so an API restart (or a step on another replica) resumes exactly after the last committed
 * batch. The step runs in the API process, within the request: 1C waits for it anyway, and at most two record batches
 * are in memory at a time.
 */
@Injectable()
export class ExchangeImportService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExchangeImportService.name);
  private readonly runs = new Map<string, ImportRun>();
  private readonly busy = new Set<string>();
  private evictor?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly store: ExchangeSessionStore,
    private readonly workArea: ExchangeWorkArea,
    private readonly unpacker: ArchiveUnpacker,
    private readonly leases: SessionLeases,
    private readonly ports: ExchangePorts,
    private readonly unitOfWork: UnitOfWork,
    private readonly metrics: OnecMetrics,
  ) {}

  onModuleInit(): void {
    // Per process, not a recurring job: it discards the idle import runs (open parsers) held in this process's memory.
    this.evictor = setInterval(() => this.evictIdleRuns(), 60_000);
    this.evictor.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.evictor);
    for (const run of this.runs.values()) {
      run.discard();
    }
    this.runs.clear();
  }

  /** One `mode=import` request. */
  async step(session: ExchangeSessionEntity, rawName: string | undefined): Promise<ExchangeReply> {
    const name = exchangeFileName(rawName);
    if (this.busy.has(session.id)) {
      return ExchangeReply.progress(`The previous import step of this exchange is still running (${name})`);
    }
    this.busy.add(session.id);
    const started = Date.now();
    let reply: ExchangeReply = ExchangeReply.progress();
    try {
      const deadline = started + this.config.onec.exchange.importSliceMs;
      if (!(await this.holdLease(session.id, deadline))) {
        reply = ExchangeReply.progress('Another instance is running an import step of this exchange');
        return reply;
      }
      try {
        if (session.state === 'open') {
          await this.store.setState(session.id, 'importing');
        }
        if ((await this.unpacker.unpackPending(session, deadline)) === 'running') {
          reply = ExchangeReply.progress('Unpacking the archive');
          return reply;
        }
        reply = await this.importFile(session, name, deadline);
        return reply;
      } finally {
        await this.leases.drop(session.id);
      }
    } catch (error) {
      reply = ExchangeReply.failure(error instanceof ExchangeFailure ? error.reason : String(error));
      throw error;
    } finally {
      this.busy.delete(session.id);
      const outcome = reply.kind === 'status' ? reply.lines[0] : 'xml';
      this.metrics.importSliceSeconds.observe({ type: session.type, outcome }, (Date.now() - started) / 1000);
    }
  }

  /**
   * Waits (within the step's time) for a lease another process holds: it is usually released within moments, and
   * answering `progress` at once would only make 1C ask again at once.
   */
  private async holdLease(sessionId: string, deadline: number): Promise<boolean> {
    for (;;) {
      if (await this.leases.hold(sessionId)) {
        return true;
      }
      if (Date.now() + LEASE_POLL_MS > deadline) {
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
    }
  }

  /**
   * The sale flow of 1C without `version` on `init`: the uploaded documents (or the XML files of an uploaded
   * archive) are imported within the `mode=file` request itself, as 1C-Bitrix's old flow does.
   */
  async importNow(session: ExchangeSessionEntity, name: string): Promise<ExchangeReply> {
    const giveUpAt = Date.now() + 60_000;
    for (;;) {
      const reply = await this.step(session, name);
      if (reply.kind !== 'status' || reply.lines[0] !== 'progress') {
        return reply;
      }
      if (Date.now() > giveUpAt) {
        throw new ExchangeFailure(
          'IMPORT_FAILED',
          `${name} could not be imported within one request; let 1C send version= on mode=init`,
          true,
        );
      }
    }
  }

  private async importFile(session: ExchangeSessionEntity, name: string, deadline: number): Promise<ExchangeReply> {
    const file = await this.store.file(session.id, name);
    if (!file || file.role === 'image') {
      throw new ExchangeFailure('FILE_NOT_UPLOADED', `${name} was not uploaded in this exchange`, true);
    }
    if (file.role === 'archive') {
      return this.importArchive(session, file, deadline);
    }
    return this.importXml(session, file, deadline);
  }

  /**
   * `mode=import` naming the archive itself (what 1C does with a zipped `sale/file`): its XML files are imported one
   * after the other, step by step, and `success` comes when all of them are done.
   */
  private async importArchive(
    session: ExchangeSessionEntity,
    archive: ExchangeFileEntity,
    deadline: number,
  ): Promise<ExchangeReply> {
    const contents = (await this.store.filesOf(session.id, ['xml'])).filter((file) => file.archive === archive.name);
    const pending = contents.filter((file) => file.phase !== 'done');
    const done = ExchangeReply.success(`${archive.name}: ${contents.length} file(s) imported`);
    if (pending.length === 0) {
      return done;
    }
    const reply = await this.importXml(session, pending[0], deadline);
    if (reply.kind !== 'status' || reply.lines[0] !== 'success') {
      return reply;
    }
    return pending.length > 1 ? ExchangeReply.progress(`${archive.name}: ${pending[0].name} imported`) : done;
  }

  private async importXml(
    session: ExchangeSessionEntity,
    file: ExchangeFileEntity,
    deadline: number,
  ): Promise<ExchangeReply> {
    const name = file.name;
    switch (file.phase) {
      case 'done':
        return ExchangeReply.success(`${name}: ${file.recordsDone} records imported`);
      case 'failed':
        throw new ExchangeFailure('SESSION_FAILED', file.error ?? `${name} failed`);
      case 'unpacking':
      case 'unpacked':
        throw new Error(`${name} is an archive phase on an XML file`);
      case 'uploading':
      case 'received':
      case 'importing':
        return this.runStep(session, file, deadline);
    }
  }

  private async runStep(
    session: ExchangeSessionEntity,
    file: ExchangeFileEntity,
    deadline: number,
  ): Promise<ExchangeReply> {
    let run = this.runs.get(file.id);
    if (run && run.checkpoint !== file.recordsDone) {
      run.discard();
      run = undefined;
    }
    if (file.phase !== 'importing') {
      await this.unitOfWork.manager.query(
        `UPDATE onec_exchange_files SET phase = 'importing', updated_at = now() WHERE id = $1`,
        [file.id],
      );
    }
    if (!run) {
      const fresh = new ImportRun(
        this.workArea.pathOf(session.id, file.name),
        file.recordsDone,
        (records, bytes) => this.deliver(session, file, records, bytes),
        (seconds) => this.metrics.parserWaitSeconds.inc({ type: session.type }, seconds),
      );
      run = fresh;
      this.runs.set(file.id, fresh);
    }
    const outcome = await run.step(deadline);
    switch (outcome.state) {
      case 'paused':
        return ExchangeReply.progress(progressText(file, run.checkpoint, run.bytesParsed));
      case 'finished':
        this.runs.delete(file.id);
        await this.complete(session, file, outcome.summary);
        return ExchangeReply.success(
          `${file.name}: ${outcome.summary.totalRecords} records imported (${outcome.summary.documentKind})`,
        );
      case 'failed':
        this.runs.delete(file.id);
        return this.stepFailed(session, file, outcome.error);
    }
  }

  /** One batch: the checkpoint, the ports' work and the session's counters commit together or not at all. */
  private async deliver(
    session: ExchangeSessionEntity,
    file: ExchangeFileEntity,
    records: CommerceMlRecord[],
    bytesParsed: number,
  ): Promise<void> {
    const from = records[0].ordinal;
    const to = records[records.length - 1].ordinal + 1;
    const catalog: CatalogRecord[] = [];
    const documents: DocumentRecord[] = [];
    for (const record of records) {
      if (record.kind === 'document') {
        documents.push(record);
      } else {
        catalog.push(record);
      }
    }
    const ref = { exchangeSessionId: session.id, fileName: file.name };
    const started = performance.now();
    await this.unitOfWork.run(async (manager) => {
      const [, moved] = await manager.query<[unknown[], number]>(
        `UPDATE onec_exchange_files
            SET records_done = $3, bytes_parsed = $4, failed_steps = 0, updated_at = now()
          WHERE id = $1 AND records_done = $2 AND phase = 'importing'`,
        [file.id, from, to, bytesParsed],
      );
      if (moved !== 1) {
        throw new CheckpointMoved(file.name);
      }
      if (catalog.length > 0) {
        await this.ports.catalog.deliver({ ...ref, records: catalog });
      }
      if (documents.length > 0) {
        await this.ports.saleDocuments.accept({ ...ref, documents });
      }
      await this.store.addCounters(session.id, { recordsImported: records.length });
    });
    this.metrics.batchDeliverySeconds.observe({ type: session.type }, (performance.now() - started) / 1000);
    const perKind = new Map<string, number>();
    for (const record of records) {
      perKind.set(record.kind, (perKind.get(record.kind) ?? 0) + 1);
    }
    for (const [kind, count] of perKind) {
      this.metrics.recordsImported.inc({ type: session.type, kind }, count);
    }
  }

  private async complete(
    session: ExchangeSessionEntity,
    file: ExchangeFileEntity,
    summary: ParseSummary,
  ): Promise<void> {
    await this.unitOfWork.run(async (manager) => {
      const [, marked] = await manager.query<[unknown[], number]>(
        `UPDATE onec_exchange_files
            SET phase = 'done', document_kind = $2, counts = $3, records_done = $4, bytes_parsed = bytes,
                failed_steps = 0, updated_at = now()
          WHERE id = $1 AND phase = 'importing'`,
        [file.id, summary.documentKind, JSON.stringify(summary.counts), summary.totalRecords],
      );
      if (marked === 1 && summary.documentKind !== 'documents') {
        await this.ports.catalog.fileCompleted({
          exchangeSessionId: session.id,
          fileName: file.name,
          documentKind: summary.documentKind,
          isFullSnapshot: summary.isFullSnapshot,
          schemaVersion: summary.schemaVersion,
          counts: summary.counts,
          totalRecords: summary.totalRecords,
        });
      }
    });
    this.logger.log(
      {
        exchangeSessionId: session.id,
        file: file.name,
        documentKind: summary.documentKind,
        records: summary.totalRecords,
        warnings: summary.warnings.length,
      },
      'Imported a 1C exchange file',
    );
  }

  private async stepFailed(
    session: ExchangeSessionEntity,
    file: ExchangeFileEntity,
    error: unknown,
  ): Promise<ExchangeReply> {
    if (error instanceof CheckpointMoved || (error instanceof Error && error.name === 'AbortError')) {
      return ExchangeReply.progress(`${file.name}: resuming the import`);
    }
    if (error instanceof CommerceMlError) {
      const reason = `${file.name}: ${error.code}: ${error.message}`;
      await this.markFileFailed(file, reason);
      throw new ExchangeFailure('XML_REFUSED', reason, true, { cause: error });
    }
    // An UPDATE answers [rows, count].
    const [[row]] = await this.unitOfWork.manager.query<[{ failed_steps: number }[], number]>(
      `UPDATE onec_exchange_files SET failed_steps = failed_steps + 1, error = $2, updated_at = now()
        WHERE id = $1 RETURNING failed_steps`,
      [file.id, describeError(error)],
    );
    this.logger.warn({ err: error, exchangeSessionId: session.id, file: file.name }, 'A 1C import step failed');
    if ((row?.failed_steps ?? MAX_FAILED_STEPS) >= MAX_FAILED_STEPS) {
      const reason = `${file.name}: ${MAX_FAILED_STEPS} import steps in a row failed; last error: ${describeError(error)}`;
      await this.markFileFailed(file, reason);
      throw new ExchangeFailure('IMPORT_FAILED', reason, true, { cause: error });
    }
    return ExchangeReply.progress(`${file.name}: an import step failed and will be retried (${describeError(error)})`);
  }

  private async markFileFailed(file: ExchangeFileEntity, reason: string): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE onec_exchange_files SET phase = 'failed', error = $2, updated_at = now() WHERE id = $1`,
      [file.id, reason.slice(0, 2_000)],
    );
  }

  private evictIdleRuns(): void {
    const now = Date.now();
    for (const [id, run] of this.runs) {
      if (now - run.lastActivity > IDLE_RUN_MS) {
        run.discard();
        this.runs.delete(id);
      }
    }
  }
}

function progressText(file: ExchangeFileEntity, records: number, bytesParsed: number): string {
  const total = Number(file.bytes);
  const percent = total > 0 ? Math.min(100, Math.floor((bytesParsed / total) * 100)) : 0;
  return `${file.name}: ${records} records imported, ${percent}% of ${(total / 1024 / 1024).toFixed(1)} MB read`;
}
