import { DataSource } from 'typeorm';
import { promoteNextQueued, SubjectKey } from '../outbox/head-of-line';
import type { QueuedEvent } from './event-queues';

/** Long enough for a producer's transaction that raced a finish to commit. */
const RECHECK_AFTER_MS = 1_000;
const RETRY_PROMOTION_AFTER_MS = 200;

interface PendingMark {
  readonly id: string;
  readonly generation: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Marks outbox rows `delivered` in batches, and promotes each finished subject's next queued event: while one flush
 * runs, the marks of jobs finishing meanwhile queue up and go out together in the next. Idle, a mark goes out at
 * once; under load, one statement serves many jobs. Callers await their mark, so a completed job always has its row
 * marked; the processed-event record, written before, remains the proof of delivery if the process dies between.
 *
 * Promotions run only inside the flush loop, one at a time, so this process never races itself into a deadlock;
 * every finished subject is promoted again a moment later (a successor committed just after the first attempt was
 * invisible to it), and a failed promotion is retried rather than forgotten.
 */
export class DeliveryMarker {
  private marks: PendingMark[] = [];
  private readonly promotions = new Map<string, SubjectKey>();
  private flushing = false;

  constructor(
    private readonly dataSource: DataSource,
    /** Called when a finished event released its subject's next one, so the relay can dispatch it now. */
    private readonly onPromoted: () => void,
  ) {}

  markAll(entries: readonly QueuedEvent[]): Promise<void> {
    const marked = Promise.all(
      entries.map(
        ({ event, generation }) =>
          new Promise<void>((resolve, reject) => this.marks.push({ id: event.id, generation, resolve, reject })),
      ),
    ).then(() => undefined);
    this.kick();
    return marked;
  }

  private promoteLater(subjects: readonly SubjectKey[], delayMs: number): void {
    setTimeout(() => {
      subjects.forEach((key) => this.promotions.set(`${key.destination}\u0000${key.subject}`, key));
      this.kick();
    }, delayMs).unref();
  }

  private kick(): void {
    if (!this.flushing) {
      void this.flush();
    }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.marks.length > 0 || this.promotions.size > 0) {
      const batch = this.marks.splice(0, 1_000);
      if (batch.length > 0) {
        try {
          // 'pending' too: a job can finish before the relay's `dispatched` transaction commits; matching the row
          // in our snapshot makes PostgreSQL wait for the relay's lock and re-check the committed row.
          const [finished] = await this.dataSource.query<[SubjectKey[], number]>(
            `UPDATE outbox_events o SET status = 'delivered', delivered_at = now()
               FROM unnest($1::uuid[], $2::int[]) AS m(id, generation)
              WHERE o.id = m.id AND o.generation = m.generation AND o.status IN ('pending', 'dispatched')
          RETURNING o.destination, o.subject`,
            [batch.map((mark) => mark.id), batch.map((mark) => mark.generation)],
          );
          batch.forEach((mark) => mark.resolve());
          finished.forEach((key) => this.promotions.set(`${key.destination}\u0000${key.subject}`, key));
          this.promoteLater(finished, RECHECK_AFTER_MS);
        } catch (error) {
          batch.forEach((mark) => mark.reject(error));
        }
      }
      if (this.promotions.size > 0) {
        const subjects = [...this.promotions.values()].sort((left, right) =>
          left.destination === right.destination
            ? left.subject.localeCompare(right.subject)
            : left.destination.localeCompare(right.destination),
        );
        this.promotions.clear();
        try {
          if ((await promoteNextQueued(this.dataSource, subjects)) > 0) {
            this.onPromoted();
          }
        } catch {
          this.promoteLater(subjects, RETRY_PROMOTION_AFTER_MS);
        }
      }
    }
    this.flushing = false;
  }
}
