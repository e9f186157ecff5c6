import type { ChannelKind } from '../notifier.config';
import type { MessageStyle } from '../application/message-format';

/** A message rendered in its channel's style. */
export interface ChannelMessage {
  readonly text: string;
  /** A plain one-liner where the channel shows one (Slack's notification text). */
  readonly headline: string;
}

/**
 * Port: one chat service. An adapter sends one message to one target and throws an IntegrationError that says how
 * to retry: `rate_limited` with the service's own `retryAt` on 429, `unavailable` while the service is known to be
 * down (circuit open), `transient` for a failure worth retrying, `permanent` when retrying cannot help (a revoked
 * webhook, a chat the bot was removed from).
 */
export abstract class Notifier {
  abstract readonly kind: ChannelKind;
  abstract readonly style: MessageStyle;
  /** `target` is the chat id for Telegram and ignored by Slack (the webhook names its channel). */
  abstract send(target: string, message: ChannelMessage): Promise<void>;
}
