import { AppError, invalidCursor, isNonNegativeBigint, UnitOfWork } from '@app/core';
import { CloudEvent, OutboxEventEntity, toCloudEvent } from '@app/events';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FeedCursorEntity } from './feed-cursor.entity';

export interface FeedPosition {
  readonly txId: string;
  readonly position: string;
}

export interface FeedPage {
  readonly events: CloudEvent[];
  /** Where the next read continues; acknowledge it once the events are processed. */
  readonly nextCursor: string;
}

const START: FeedPosition = { txId: '0', position: '0' };

export function encodeFeedCursor(position: FeedPosition): string {
  return Buffer.from(`v1:${position.txId}:${position.position}`).toString('base64url');
}

export function decodeFeedCursor(cursor: string): FeedPosition {
  const match = /^v1:(\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !isNonNegativeBigint(match[1]) || !isNonNegativeBigint(match[2])) {
    throw invalidCursor('The cursor is malformed; use one returned by this feed.');
  }
  return { txId: match[1], position: match[2] };
}

/** Feed order: by transaction id, then by insert position. */
function isAfter(a: FeedPosition, b: FeedPosition): boolean {
  const [aTx, bTx] = [BigInt(a.txId), BigInt(b.txId)];
  return aTx > bTx || (aTx === bTx && BigInt(a.position) > BigInt(b.position));
}

function notServed(): AppError {
  return new AppError('FEED_CURSOR_NOT_SERVED', 'conflict', 'Cursor beyond the served events', {
    detail:
      'The cursor is past the last event this feed served to you; read the feed and use a nextCursor it returned.',
    errors: [{ path: 'cursor', message: 'cursor was not served to this consumer' }],
  });
}

interface StoredCursor {
  readonly acknowledged: FeedPosition;
  readonly served: FeedPosition;
}

/**
 * A pull feed of one destination's events (1C pulls what is addressed to `onec`). Order is (transaction id,
 * position), and a row is only served once every older transaction has finished, so no event can later appear
 * behind a cursor a reader already holds: the cursor is stable and nothing is skipped.
 */
@Injectable()
export class EventFeedService {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async read(
    consumer: string,
    destination: string,
    cursor: string | undefined,
    limit: number,
    types?: readonly string[],
  ): Promise<FeedPage> {
    const stored = await this.stored(this.unitOfWork.manager, consumer, destination);
    const from = cursor ? decodeFeedCursor(cursor) : stored.acknowledged;
    // Reading on from a position never served would skip the events before it, and make them acknowledgeable.
    if (isAfter(from, stored.served)) {
      throw notServed();
    }
    const builder = this.unitOfWork.manager
      .getRepository(OutboxEventEntity)
      .createQueryBuilder('e')
      .where('e.destination = :destination', { destination })
      .andWhere('(e.txId, e.position) > (:txId, :position)', { txId: from.txId, position: from.position })
      .andWhere('e.txId < pg_snapshot_xmin(pg_current_snapshot())::text::bigint')
      .orderBy('e.txId', 'ASC')
      .addOrderBy('e.position', 'ASC')
      .limit(limit);
    if (types && types.length > 0) {
      builder.andWhere('e.type IN (:...types)', { types });
    }
    const rows = await builder.getMany();
    const last = rows[rows.length - 1];
    if (last) {
      await this.recordServed(consumer, destination, { txId: last.txId, position: last.position });
    }
    return {
      events: rows.map((row) => toCloudEvent(row)),
      nextCursor: encodeFeedCursor(last ? { txId: last.txId, position: last.position } : from),
    };
  }

  /**
   * Records that the consumer processed everything up to `cursor`. Acknowledging an older cursor again changes
   * nothing (the cursor only moves forward), so retries are safe. A cursor beyond what this consumer was served is
   * refused: since the cursor never moves back, accepting it would mark every event up to it delivered and empty
   * the feed for good.
   */
  async acknowledge(consumer: string, destination: string, cursor: string): Promise<{ cursor: string }> {
    const target = decodeFeedCursor(cursor);
    return this.unitOfWork.run(async (manager) => {
      const stored = await this.stored(manager, consumer, destination, true);
      if (isAfter(target, stored.served)) {
        throw notServed();
      }
      if (!isAfter(target, stored.acknowledged)) {
        return { cursor: encodeFeedCursor(stored.acknowledged) };
      }
      await manager.query(
        `UPDATE feed_cursors SET tx_id = $3, position = $4, updated_at = now() WHERE consumer = $1 AND destination = $2`,
        [consumer, destination, target.txId, target.position],
      );
      // What the puller has, it no longer waits for: pending rows up to the cursor count as delivered.
      await manager.query(
        `UPDATE outbox_events SET status = 'delivered', delivered_at = now()
          WHERE destination = $1 AND status IN ('queued', 'pending') AND (tx_id, position) <= ($2::bigint, $3::bigint)`,
        [destination, target.txId, target.position],
      );
      return { cursor: encodeFeedCursor(target) };
    });
  }

  /** Moves the consumer's served mark forward (never back: concurrent reads may finish in any order). */
  private async recordServed(consumer: string, destination: string, served: FeedPosition): Promise<void> {
    await this.unitOfWork.manager.query(
      `INSERT INTO feed_cursors (consumer, destination, tx_id, position, served_tx_id, served_position)
       VALUES ($1, $2, 0, 0, $3, $4)
       ON CONFLICT (consumer, destination) DO UPDATE
         SET served_tx_id = excluded.served_tx_id, served_position = excluded.served_position
         WHERE (feed_cursors.served_tx_id, feed_cursors.served_position)
             < (excluded.served_tx_id, excluded.served_position)`,
      [consumer, destination, served.txId, served.position],
    );
  }

  private async stored(
    manager: EntityManager,
    consumer: string,
    destination: string,
    lock = false,
  ): Promise<StoredCursor> {
    const row = await manager.getRepository(FeedCursorEntity).findOne({
      where: { consumer, destination },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return row
      ? {
          acknowledged: { txId: row.txId, position: row.position },
          served: { txId: row.servedTxId, position: row.servedPosition },
        }
      : { acknowledged: START, served: START };
  }
}
