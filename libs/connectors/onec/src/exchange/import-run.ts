import { createReadStream } from 'node:fs';
import { type CommerceMlRecord, parseCommerceMl, type ParseSummary } from '../commerceml';

/** Where an import step left the run. */
export type StepOutcome =
  | { readonly state: 'paused' }
  | { readonly state: 'finished'; readonly summary: ParseSummary }
  | { readonly state: 'failed'; readonly error: unknown };

/** Delivers one batch and advances the persisted checkpoint in one transaction; throws if the checkpoint moved. */
export type DeliverBatch = (records: CommerceMlRecord[], bytesParsed: number) => Promise<void>;

/** Told how long the parser stood still, its next batch ready, waiting for the previous batch's delivery. */
export type ParserWaited = (seconds: number) => void;

const BATCH_SIZE = 1_000;

/**
 * One file's parse, kept alive between `mode=import` requests: each request lets it run until its deadline, then
 * the run pauses after the batch it is delivering (the parser waits on the awaited batch, so nothing more is read)
 * and the next request resumes it exactly there. A run that is lost (API restart, another replica took a step,
 * evicted while idle) is simply started again from the persisted checkpoint with `skipRecords`, which re-reads the
 * file up to that point without delivering anything twice.
 */
export class ImportRun {
  /** Records delivered so far (the checkpoint this run believes in). */
  checkpoint: number;
  lastActivity = Date.now();
  private deadline = 0;
  private started = false;
  private resume: (() => void) | null = null;
  private onPause: (() => void) | null = null;
  private readonly abort = new AbortController();
  private bytesRead = 0;
  private outcome: Promise<StepOutcome> | null = null;

  constructor(
    private readonly path: string,
    startAt: number,
    private readonly deliver: DeliverBatch,
    private readonly parserWaited: ParserWaited = () => undefined,
  ) {
    this.checkpoint = startAt;
  }

  get bytesParsed(): number {
    return this.bytesRead;
  }

  /** Runs until the deadline (then pauses), the end of the file, or a failure. */
  async step(deadline: number): Promise<StepOutcome> {
    this.deadline = deadline;
    this.lastActivity = Date.now();
    const paused = new Promise<StepOutcome>((resolve) => {
      this.onPause = () => resolve({ state: 'paused' });
    });
    if (!this.started) {
      this.started = true;
      this.outcome = this.parse();
    } else {
      const resume = this.resume;
      this.resume = null;
      resume?.();
    }
    const result = await Promise.race([paused, this.outcome!]);
    this.onPause = null;
    this.lastActivity = Date.now();
    return result;
  }

  /** Stops a paused run for good (idle eviction, shutdown); its file handle is closed. */
  discard(): void {
    this.abort.abort();
    const resume = this.resume;
    this.resume = null;
    resume?.();
  }

  /**
   * Batches are delivered one at a time, in order, but the parser reads the next batch while the previous one
   * commits (at most one delivery in flight). A pause, the end and every failure wait for that delivery, so the
   * checkpoint this run reports is always one that committed.
   */
  private async parse(): Promise<StepOutcome> {
    let inFlight: Promise<void> = Promise.resolve();
    try {
      const summary = await parseCommerceMl(this.read(), {
        skipRecords: this.checkpoint,
        batchSize: BATCH_SIZE,
        signal: this.abort.signal,
        onBatch: async (records) => {
          const ready = performance.now();
          await inFlight;
          this.parserWaited((performance.now() - ready) / 1000);
          const next = records[records.length - 1].ordinal + 1;
          inFlight = this.deliver(records, this.bytesRead).then(() => {
            this.checkpoint = next;
          });
          // Observed here so that a failure never goes unhandled while the parser reads on; awaited on the next
          // batch, at a pause or at the end, where it fails the run.
          inFlight.catch(() => undefined);
          if (Date.now() >= this.deadline) {
            await inFlight;
            await new Promise<void>((resolve) => {
              this.resume = resolve;
              this.onPause?.();
            });
            this.abort.signal.throwIfAborted();
          }
        },
      });
      await inFlight;
      return { state: 'finished', summary };
    } catch (error) {
      await inFlight.catch(() => undefined);
      return { state: 'failed', error };
    }
  }

  /** The file's bytes, counted for progress; the stream is closed when the parser stops reading, however it stops. */
  private async *read(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(this.path, { highWaterMark: 256 * 1024 })) {
      const bytes = chunk as Buffer;
      this.bytesRead += bytes.length;
      yield bytes;
    }
  }
}
