// Registers the connector's configuration section (`config.notifier`) with core's loader before anything loads it.
import './notifier.config';

// The notifier connector's public surface: the alerts it carries to Slack and Telegram, and the modules that carry
// them. Everything else (the adapters, the pacing, the message rows) stays inside.
export * from './ports/alert-publisher.port';
export * from './notifier.module';
export { CHANNEL_KINDS, type ChannelKind, type NotifierSettings } from './notifier.config';
export { NOTIFICATIONS_DESTINATION, NOTIFICATIONS_FLUSH_REQUESTED } from './notifier.constants';

import { NotifierMessageEntity } from './infrastructure/notifier-message.entity';

/** Entities owned by the notifier connector; migrations/schema.ts lists every lib's. */
export const NOTIFIER_ENTITIES: (new () => unknown)[] = [NotifierMessageEntity];
