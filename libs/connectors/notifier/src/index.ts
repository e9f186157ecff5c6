// The notifier connector's public surface: the alerts it carries to Slack and Telegram.
export * from './ports/alert-publisher.port';
