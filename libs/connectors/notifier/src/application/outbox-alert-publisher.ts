import { type AppendOnlyTable, AppConfig, UnitOfWork } from '@app/core';
import { EventPublisher } from '@app/events';
import { Injectable, Logger } from '@nestjs/common';
import { NOTIFICATIONS_DESTINATION, NOTIFICATIONS_FLUSH_REQUESTED, type FlushRequested } from '../notifier.constants';
import { NotifierMetrics } from '../notifier.metrics';
import { ALERT_SEVERITIES, type Alert, AlertPublisher } from '../ports/alert-publisher.port';
import { channelKey, route } from './channel-routing';

interface MessageRow {
  readonly channel: string;
  readonly alertId: string;
  readonly transition: Alert['transition'];
  readonly severity: string;
  readonly alert: Record<string, unknown>;
}

/**
 * The pending messages, written with the caller's transaction's last statement (see AppendOnlyTable). A transition
 * published twice for a target is kept once: the caller's retry or a re-evaluation never makes a second message.
 */
const MESSAGES: AppendOnlyTable<MessageRow> = {
  name: 'notifier_messages',
  statement: (rows) => ({
    sql: `INSERT INTO notifier_messages (channel, alert_id, transition, severity, alert)
          SELECT channel, alert_id, transition, severity, alert
            FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
                   AS (channel text, alert_id text, transition text, severity text, alert jsonb))
                 WITH ORDINALITY AS x(channel, alert_id, transition, severity, alert, n)
           ORDER BY n
          ON CONFLICT (channel, alert_id, transition) DO NOTHING`,
    params: [
      JSON.stringify(
        rows.map((row) => ({
          channel: row.channel,
          alert_id: row.alertId,
          transition: row.transition,
          severity: row.severity,
          alert: row.alert,
        })),
      ),
    ],
  }),
};

/**
 * Queues each alert for each of its targets and asks the worker, through the outbox, to flush those targets. All of
 * it commits or rolls back with the caller's change.
 */
@Injectable()
export class OutboxAlertPublisher extends AlertPublisher {
  private readonly logger = new Logger(OutboxAlertPublisher.name);

  constructor(
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: EventPublisher,
    private readonly metrics: NotifierMetrics,
  ) {
    super();
  }

  async publish(alerts: readonly Alert[]): Promise<void> {
    if (!this.unitOfWork.inTransaction) {
      throw new Error(
        'AlertPublisher.publish must run inside UnitOfWork.run(), in the transaction that raised the alerts',
      );
    }
    const rows: MessageRow[] = [];
    for (const alert of alerts) {
      assertAlert(alert);
      const { targets, unknownChannels } = route(alert, this.config.notifier);
      if (unknownChannels.length > 0) {
        this.logger.warn(`Alert ${alert.rule}/${alert.id} names unknown channels: ${unknownChannels.join(', ')}`);
      }
      if (targets.length === 0) {
        this.metrics.alerts.inc({ channel: 'none', outcome: 'unrouted' });
      }
      for (const target of targets) {
        const channel = channelKey(target);
        rows.push({
          channel,
          alertId: alert.id,
          transition: alert.transition,
          severity: alert.severity,
          alert: { ...alert, since: alert.since.toISOString() },
        });
        this.metrics.alerts.inc({ channel: target.kind, outcome: 'queued' });
      }
    }
    if (rows.length === 0) {
      return;
    }
    this.unitOfWork.append(MESSAGES, rows);
    const channels = [...new Set(rows.map((row) => row.channel))];
    await this.events.publish<FlushRequested>(
      channels.map((channel) => ({
        destination: NOTIFICATIONS_DESTINATION,
        type: NOTIFICATIONS_FLUSH_REQUESTED,
        subject: channel,
        data: { channel },
      })),
    );
  }
}

/** A caller's bug surfaces in its own transaction, not as a dead letter in the worker later. */
function assertAlert(alert: Alert): void {
  const problems = [
    !alert.id && 'id is empty',
    alert.transition !== 'opened' && alert.transition !== 'resolved' && `transition "${String(alert.transition)}"`,
    !ALERT_SEVERITIES.includes(alert.severity) && `severity "${String(alert.severity)}"`,
    !alert.title?.trim() && 'title is empty',
    !(alert.since instanceof Date) || Number.isNaN(alert.since.getTime()) ? 'since is not a date' : false,
    typeof alert.link !== 'string' || !alert.link.startsWith('/') ? 'link must be a path starting with /' : false,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(`Invalid alert ${alert.rule}/${alert.id}: ${problems.join('; ')}`);
  }
}
