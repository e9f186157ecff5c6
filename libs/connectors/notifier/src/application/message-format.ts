import type { Alert, AlertSeverity } from '../ports/alert-publisher.port';

/** How a channel marks text up: its escaping, emphasis, links and the most characters one message may hold. */
export interface MessageStyle {
  readonly maxLength: number;
  escape(text: string): string;
  /** Takes escaped text. */
  bold(escaped: string): string;
  /** Takes the raw URL and label. */
  link(url: string, label: string): string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Telegram `parse_mode: HTML`: only `&`, `<`, `>` (and `"` in attributes) need escaping, unlike MarkdownV2's 18. */
export const TELEGRAM_HTML: MessageStyle = {
  // The limit applies after entity parsing; counting the markup too keeps us under it.
  maxLength: 4096,
  escape: escapeHtml,
  bold: (escaped) => `<b>${escaped}</b>`,
  link: (url, label) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`,
};

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Slack mrkdwn in one section block. Escaping `<` also defuses `<!channel>` mentions a subject could smuggle in.
 * An asterisk inside bold text would end the emphasis, and mrkdwn has no escape for it, so it is swapped for a
 * look-alike.
 */
export const SLACK_MRKDWN: MessageStyle = {
  maxLength: 3000,
  escape: escapeSlack,
  bold: (escaped) => `*${escaped.replace(/\*/g, '∗')}*`,
  link: (url, label) => `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${escapeSlack(label).replace(/\|/g, '¦')}>`,
};

export interface FormatOptions {
  readonly linkBaseUrl?: string;
  readonly digestLinkPath: string;
  readonly timeZone: string;
}

const SEVERITY_ICON: Record<AlertSeverity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };
const SEVERITY_NAME: Record<AlertSeverity, string> = { critical: 'критично', warning: 'внимание', info: 'к сведению' };
const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
const RESOLVED_ICON = '✅';

/** Field lengths that keep any single alert far below every channel's limit, whatever a caller passes. */
const MAX_TITLE = 200;
const MAX_SUBJECT = 200;
const MAX_VALUE = 100;
const MAX_DIGEST_LINE = 400;

export function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

function verb(alert: Alert): string {
  return alert.transition === 'opened' ? 'Открыто' : 'Решено';
}

function icon(alert: Alert): string {
  return alert.transition === 'opened' ? SEVERITY_ICON[alert.severity] : RESOLVED_ICON;
}

export function formatTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')} ${part('hour')}:${part('minute')} (${timeZone})`;
}

function amount(alert: Alert): string | undefined {
  const value = alert.value === null ? undefined : clip(alert.value, MAX_VALUE);
  const limit = alert.limit === null ? undefined : clip(alert.limit, MAX_VALUE);
  if (value !== undefined && limit !== undefined) {
    return `${value} при пороге ${limit}`;
  }
  return value ?? (limit !== undefined ? `порог ${limit}` : undefined);
}

function linkOf(path: string, style: MessageStyle, options: FormatOptions, label: string): string {
  return options.linkBaseUrl ? style.link(`${options.linkBaseUrl}${path}`, label) : style.escape(path);
}

/**
 * One alert as one message: what (title), who (subject), how much (value against the limit), since when, and where
 * to look. Nothing else of the alert's source reaches the chat.
 */
export function formatAlert(alert: Alert, style: MessageStyle, options: FormatOptions): string {
  const lines = [
    `${icon(alert)} ${verb(alert)}: ${style.bold(style.escape(clip(alert.title, MAX_TITLE)))}`,
    `Кто: ${style.escape(clip(alert.subject, MAX_SUBJECT))}`,
  ];
  const howMuch = amount(alert);
  if (howMuch !== undefined) {
    lines.push(`Сколько: ${style.escape(howMuch)}`);
  }
  lines.push(
    `${alert.transition === 'opened' ? 'С' : 'Длилось с'}: ${style.escape(formatTime(alert.since, options.timeZone))}`,
    `Правило: ${style.escape(clip(alert.rule, MAX_TITLE))} · ${SEVERITY_NAME[alert.severity]}`,
    linkOf(alert.link, style, options, 'Подробнее'),
  );
  return lines.join('\n');
}

/** The plain first line, for Slack's notification text. */
export function headline(alert: Alert, style: MessageStyle): string {
  return `${icon(alert)} ${verb(alert)}: ${style.escape(clip(alert.title, MAX_TITLE))} — ${style.escape(clip(alert.subject, MAX_SUBJECT))}`;
}

export function pluralAlerts(count: number): string {
  const lastTwo = count % 100;
  const last = count % 10;
  if (lastTwo >= 11 && lastTwo <= 14) {
    return `${count} оповещений`;
  }
  if (last === 1) {
    return `${count} оповещение`;
  }
  return last >= 2 && last <= 4 ? `${count} оповещения` : `${count} оповещений`;
}

export interface Digest {
  readonly text: string;
  /** The plain first line. */
  readonly headline: string;
  /** How many alerts are listed one by one; the rest are counted in "and N more". */
  readonly listed: number;
}

/**
 * Many alerts as one message, within the channel's length: a count, one line per alert (most severe first, then as
 * they came) while they fit, and "and N more" with a link to the full list. Every alert is accounted for in the count.
 */
export function formatDigest(alerts: readonly Alert[], style: MessageStyle, options: FormatOptions): Digest {
  const opened = alerts.filter((alert) => alert.transition === 'opened').length;
  const head = `📋 Сводка: ${pluralAlerts(alerts.length)} (открыто ${opened}, решено ${alerts.length - opened})`;
  const ordered = alerts
    .map((alert, index) => ({ alert, index }))
    .sort(
      (left, right) =>
        SEVERITY_RANK[left.alert.severity] - SEVERITY_RANK[right.alert.severity] || left.index - right.index,
    )
    .map(({ alert }) => alert);
  const listLink = linkOf(options.digestLinkPath, style, options, 'все отклонения');
  // The longest footer, for any count still to come, so that adding it never overflows.
  const footer = (rest: number) => (rest > 0 ? `…и ещё ${rest} — ${listLink}` : `Все: ${listLink}`);
  const budget = style.maxLength - footer(alerts.length).length - 1;
  const lines = [style.bold(style.escape(head))];
  let length = lines[0].length;
  let listed = 0;
  for (const alert of ordered) {
    const howMuch = amount(alert);
    const text = clip(
      `${icon(alert)} ${verb(alert)}: ${clip(alert.title, MAX_TITLE)} — ${clip(alert.subject, MAX_SUBJECT)}` +
        (howMuch !== undefined ? ` (${howMuch})` : ''),
      MAX_DIGEST_LINE,
    );
    const line = `${style.escape(text)} · ${linkOf(alert.link, style, options, '→')}`;
    if (length + 1 + line.length > budget) {
      break;
    }
    lines.push(line);
    length += 1 + line.length;
    listed += 1;
  }
  lines.push(footer(alerts.length - listed));
  return { text: lines.join('\n'), headline: style.escape(head), listed };
}
