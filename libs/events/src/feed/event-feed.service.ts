import { AppError, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '../cloud-event';
import { toCloudEvent } from '../outbox/event-publisher';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
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
  const match = /^v1:(\d{1,19}):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new AppError('INVALID_CURSOR', 'invalid_input', 'Invalid cursor', {
      detail: 'The cursor is malformed; use one returned by this feed.',
      errors: [{ path: 'cursor', message: 'cursor is not a feed cursor' }],
    });
  }
  return { txId: match[1], position: match[2] };
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
    const from = cursor ? decodeFeedCursor(cursor) : await this.acknowledged(consumer, destination);
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
    return {
      events: rows.map((row) => toCloudEvent(row)),
      nextCursor: encodeFeedCursor(last ? { txId: last.txId, position: last.position } : from),
    };
  }

  /**
   * Records that the consumer processed everything up to `cursor`. Acknowledging an older cursor again changes
   * nothing (the cursor only moves forward), so retries are safe.
   */
  async acknowledge(consumer: string, destination: string, cursor: string): Promise<{ cursor: string }> {
    const target = decodeFeedCursor(cursor);
    return this.unitOfWork.run(async (manager) => {
      const rows = await manager.query<{ tx_id: string; position: string }[]>(
        `INSERT INTO feed_cursors (consumer, destination, tx_id, position, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (consumer, destination) DO UPDATE
           SET tx_id = excluded.tx_id, position = excluded.position, updated_at = now()
           WHERE (feed_cursors.tx_id, feed_cursors.position) < (excluded.tx_id, excluded.position)
         RETURNING tx_id, position`,
        [consumer, destination, target.txId, target.position],
      );
      if (rows.length > 0) {
        // What the puller has, it no longer waits for: pending rows up to the cursor count as delivered.
        await manager.query(
          `UPDATE outbox_events SET status = 'delivered', delivered_at = now()
            WHERE destination = $1 AND status IN ('queued', 'pending') AND (tx_id, position) <= ($2::bigint, $3::bigint)`,
          [destination, target.txId, target.position],
        );
      }
      const current = await this.acknowledged(consumer, destination);
      return { cursor: encodeFeedCursor(current) };
    });
  }

  private async acknowledged(consumer: string, destination: string): Promise<FeedPosition> {
    const row = await this.unitOfWork.manager.getRepository(FeedCursorEntity).findOneBy({ consumer, destination });
    return row ? { txId: row.txId, position: row.position } : START;
  }
}
