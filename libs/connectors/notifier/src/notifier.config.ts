import { type EnvReader, registerConfigSection } from '@app/core';
import { ALERT_SEVERITIES, type AlertSeverity } from './ports/alert-publisher.port';

export type ChannelKind = 'slack' | 'telegram';

export const CHANNEL_KINDS: readonly ChannelKind[] = ['slack', 'telegram'];

export interface TelegramSettings {
  readonly botToken: string;
  /** Numeric ids (negative for groups) or `@channelusername`. */
  readonly chatIds: readonly string[];
  readonly apiUrl: string;
}

/** The notifier connector's settings. Owned by the notifier connector. */
export interface NotifierSettings {
  /** Absent when NOTIFY_SLACK_WEBHOOK_URL is unset. A secret: the URL alone lets anyone post to the channel. */
  readonly slack?: { readonly webhookUrl: string };
  /** Absent when the bot token is unset. */
  readonly telegram?: TelegramSettings;
  /** The configured channels each severity goes to; an alert's own `channels` replace them. */
  readonly routes: Readonly<Record<AlertSeverity, readonly ChannelKind[]>>;
  /** More alerts than this waiting for one channel go out as one digest. */
  readonly digestThreshold: number;
  /** Prefixed to an alert's link; without it the link is shown as the bare path. */
  readonly linkBaseUrl?: string;
  /** Where a digest's "and N more" points, under the link base. */
  readonly digestLinkPath: string;
  /** Operators read times in this zone. */
  readonly timeZone: string;
  /** Least time between two messages to one webhook or chat (both services allow about one per second). */
  readonly minIntervalMs: number;
  /** Messages per minute to one Telegram group chat (negative chat id). */
  readonly telegramGroupPerMinute: number;
  readonly requestTimeoutMs: number;
  readonly breaker: { readonly failureThreshold: number; readonly halfOpenAfterMs: number };
}

const DEFAULT_ROUTES = 'critical:slack+telegram,warning:slack+telegram,info:slack';
const TELEGRAM_TOKEN = /^\d{3,20}:[A-Za-z0-9_-]{20,100}$/;
const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;

export function readNotifierConfig(read: EnvReader): NotifierSettings {
  const protocols = read.production ? ['https:'] : ['https:', 'http:'];
  const webhookUrl = read.url('NOTIFY_SLACK_WEBHOOK_URL', undefined, protocols);
  const botToken = read.optionalString('NOTIFY_TELEGRAM_BOT_TOKEN');
  const chatIds = read.list('NOTIFY_TELEGRAM_CHAT_IDS');
  const apiUrl = read.url('NOTIFY_TELEGRAM_API_URL', 'https://api.telegram.org', protocols) ?? '';
  if (webhookUrl !== undefined && !/^\/services\/[^/]+\/[^/]+\/[^/]+\/?$/.test(safePath(webhookUrl))) {
    // Not echoed: the value is a secret.
    read.problem('NOTIFY_SLACK_WEBHOOK_URL must be a Slack incoming-webhook URL (…/services/T…/B…/…)');
  }
  if (botToken !== undefined && !TELEGRAM_TOKEN.test(botToken)) {
    read.problem('NOTIFY_TELEGRAM_BOT_TOKEN must be a bot token as BotFather gives it (<digits>:<35 characters>)');
  }
  for (const chatId of chatIds.filter((id) => !TELEGRAM_CHAT.test(id))) {
    read.problem(`NOTIFY_TELEGRAM_CHAT_IDS: "${chatId}" is neither a numeric chat id nor @channelusername`);
  }
  if (botToken !== undefined && chatIds.length === 0) {
    read.problem('NOTIFY_TELEGRAM_CHAT_IDS must name at least one chat when NOTIFY_TELEGRAM_BOT_TOKEN is set');
  }
  if (botToken === undefined && chatIds.length > 0) {
    read.problem('NOTIFY_TELEGRAM_CHAT_IDS is set but NOTIFY_TELEGRAM_BOT_TOKEN is not');
  }
  const configured = new Set<ChannelKind>([
    ...(webhookUrl !== undefined ? (['slack'] as const) : []),
    ...(botToken !== undefined ? (['telegram'] as const) : []),
  ]);
  const explicitRoutes = read.optionalString('NOTIFY_ROUTES');
  const routes = parseRoutes(explicitRoutes ?? DEFAULT_ROUTES, read);
  if (explicitRoutes !== undefined) {
    for (const [severity, channels] of Object.entries(routes)) {
      for (const channel of channels.filter((kind) => !configured.has(kind))) {
        read.problem(`NOTIFY_ROUTES sends ${severity} alerts to ${channel}, which is not configured`);
      }
    }
  }
  const timeZone = read.string('NOTIFY_TIME_ZONE', 'Europe/Moscow');
  try {
    new Intl.DateTimeFormat('ru-RU', { timeZone });
  } catch {
    read.problem(`NOTIFY_TIME_ZONE must be an IANA time zone, got "${timeZone}"`);
  }
  const digestLinkPath = read.string('NOTIFY_DIGEST_LINK_PATH', '/api/v1/admin/sla/deviations?status=open');
  if (!digestLinkPath.startsWith('/')) {
    read.problem('NOTIFY_DIGEST_LINK_PATH must be a path starting with /');
  }
  return {
    slack: webhookUrl !== undefined ? { webhookUrl } : undefined,
    telegram: botToken !== undefined ? { botToken, chatIds, apiUrl: apiUrl.replace(/\/+$/, '') } : undefined,
    routes: Object.fromEntries(
      ALERT_SEVERITIES.map((severity) => [severity, routes[severity].filter((kind) => configured.has(kind))]),
    ) as Record<AlertSeverity, ChannelKind[]>,
    digestThreshold: read.int('NOTIFY_DIGEST_THRESHOLD', 5, { min: 1, max: 1_000 }),
    linkBaseUrl: read.url('NOTIFY_LINK_BASE_URL', undefined, ['https:', 'http:'])?.replace(/\/+$/, ''),
    digestLinkPath,
    timeZone,
    minIntervalMs: read.int('NOTIFY_MIN_INTERVAL_MS', 1_100, { min: 0, max: 60_000 }),
    telegramGroupPerMinute: read.int('NOTIFY_TELEGRAM_GROUP_PER_MINUTE', 20, { min: 1, max: 60 }),
    requestTimeoutMs: read.int('NOTIFY_REQUEST_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    breaker: {
      failureThreshold: read.int('NOTIFY_BREAKER_FAILURES', 3, { min: 1 }),
      halfOpenAfterMs: read.int('NOTIFY_BREAKER_HALF_OPEN_AFTER_MS', 30_000, { min: 10 }),
    },
  };
}

function parseRoutes(text: string, read: EnvReader): Record<AlertSeverity, ChannelKind[]> {
  const routes: Record<AlertSeverity, ChannelKind[]> = { info: [], warning: [], critical: [] };
  for (const entry of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [severity, channels = ''] = entry.split(':').map((part) => part.trim());
    if (!(ALERT_SEVERITIES as readonly string[]).includes(severity)) {
      read.problem(`NOTIFY_ROUTES: unknown severity "${severity}" (use ${ALERT_SEVERITIES.join(', ')})`);
      continue;
    }
    for (const channel of channels
      .split('+')
      .map((item) => item.trim())
      .filter(Boolean)) {
      if ((CHANNEL_KINDS as readonly string[]).includes(channel)) {
        routes[severity as AlertSeverity].push(channel as ChannelKind);
      } else {
        read.problem(`NOTIFY_ROUTES: unknown channel "${channel}" for ${severity} (use ${CHANNEL_KINDS.join(', ')})`);
      }
    }
  }
  return routes;
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

declare module '@app/core' {
  interface ConfigSections {
    /** The notifier connector's section: Slack and Telegram channels, routes, digests and pacing. */
    readonly notifier: NotifierSettings;
  }
}

registerConfigSection('notifier', readNotifierConfig);
