import type { ChannelKind, NotifierSettings } from '../notifier.config';
import { CHANNEL_KINDS } from '../notifier.config';
import type { Alert } from '../ports/alert-publisher.port';

/** Where one message goes: the Slack webhook, or one Telegram chat. */
export type ChannelTarget = { readonly kind: 'slack' } | { readonly kind: 'telegram'; readonly chatId: string };

export function channelKey(target: ChannelTarget): string {
  return target.kind === 'slack' ? 'slack' : `telegram:${target.chatId}`;
}

export function parseChannelKey(key: string): ChannelTarget | undefined {
  if (key === 'slack') {
    return { kind: 'slack' };
  }
  const match = /^telegram:(.+)$/.exec(key);
  return match ? { kind: 'telegram', chatId: match[1] } : undefined;
}

export interface Routing {
  readonly targets: ChannelTarget[];
  /** Names in the alert's own `channels` that are no channel kind; reported, never fatal to the caller. */
  readonly unknownChannels: string[];
}

/**
 * The targets of one alert: its own channels when it names any, else its severity's route, in both cases only the
 * channels configured in this deployment (an unconfigured one is not an error: alerts still open and resolve).
 */
export function route(alert: Alert, settings: NotifierSettings): Routing {
  const named = alert.channels && alert.channels.length > 0 ? alert.channels : undefined;
  const kinds = new Set<ChannelKind>();
  const unknownChannels: string[] = [];
  for (const name of named ?? settings.routes[alert.severity]) {
    if ((CHANNEL_KINDS as readonly string[]).includes(name)) {
      kinds.add(name as ChannelKind);
    } else {
      unknownChannels.push(name);
    }
  }
  const targets: ChannelTarget[] = [];
  if (kinds.has('slack') && settings.slack) {
    targets.push({ kind: 'slack' });
  }
  if (kinds.has('telegram') && settings.telegram) {
    targets.push(...settings.telegram.chatIds.map((chatId) => ({ kind: 'telegram' as const, chatId })));
  }
  return { targets, unknownChannels };
}

/** Telegram's per-group limit applies to negative chat ids (groups and supergroups). */
export function isGroupChat(chatId: string): boolean {
  return chatId.startsWith('-');
}
