/**
 * Per-subject head-of-line bookkeeping. An insert trigger parks an event as `queued` when its subject already has
 * an open event; the relay only scans `pending` heads. When a head finishes (delivered or discarded), the next
 * queued event of its subject is promoted to `pending`.
 *
 * One race is inherent: an event whose transaction is still uncommitted when its predecessor finishes is invisible
 * to that promotion. So finishers promote again a moment later, and the relay leader sweeps for stranded heads.
 */

interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

export interface SubjectKey {
  readonly destination: string;
  readonly subject: string;
}

/**
 * Promotes the oldest queued event of each given subject, when nothing older of that subject is still open.
 * Returns how many were promoted.
 */
export async function promoteNextQueued(db: Queryable, subjects: readonly SubjectKey[]): Promise<number> {
  if (subjects.length === 0) {
    return 0;
  }
  const [, promoted] = await db.query<[unknown[], number]>(
    `UPDATE outbox_events o SET status = 'pending'
      WHERE o.id IN (
        SELECT next.id
          FROM unnest($1::text[], $2::text[]) AS s(destination, subject)
          CROSS JOIN LATERAL (
                SELECT q.id FROM outbox_events q
                 WHERE q.destination = s.destination AND q.subject = s.subject AND q.status = 'queued'
                 ORDER BY q.position
                 LIMIT 1) AS next)
        AND NOT EXISTS (
              SELECT 1 FROM outbox_events e
               WHERE e.destination = o.destination AND e.subject = o.subject
                 AND e.status IN ('queued', 'pending', 'dispatched', 'dead')
                 AND e.position < o.position)`,
    [subjects.map((key) => key.destination), subjects.map((key) => key.subject)],
  );
  return promoted;
}

/** Wakes the relay leader, wherever it runs, for changes that do not come from an insert (replay, discard). */
export const NOTIFY_RELAY_SQL = `SELECT pg_notify('outbox_events', '')`;

/**
 * The safety net, run periodically by the relay leader: a queued event with no older open event of its subject is
 * a head that missed its promotion (its predecessor finished while the event's own transaction was uncommitted).
 */
export const PROMOTE_STRANDED_HEADS_SQL = `
  UPDATE outbox_events o SET status = 'pending'
   WHERE o.status = 'queued'
     AND NOT EXISTS (
           SELECT 1 FROM outbox_events e
            WHERE e.destination = o.destination AND e.subject = o.subject
              AND e.status IN ('queued', 'pending', 'dispatched', 'dead')
              AND e.position < o.position)`;
