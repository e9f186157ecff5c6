export * from './fake-telegram';
export { parseTelegramHtml } from './telegram-html';
