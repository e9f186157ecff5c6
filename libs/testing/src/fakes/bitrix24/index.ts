export { FakeBitrix24, type OAuthSettings, type SeedData } from './fake-bitrix24';
export { encodeEventBody, type EventPayload } from './events/event-body';
export type { BoundHandler, OutgoingWebhook } from './events/event-hub';
export type * from './types';
export {
  fixtureJson as bitrix24FixtureJson,
  fixturePath as bitrix24FixturePath,
  fixtureText as bitrix24FixtureText,
} from './spec-helpers';
export * from './port-doubles';
export * from './test-kinds';
export * from './bitrix24-ports.contract';
