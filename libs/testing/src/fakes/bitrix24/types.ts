/** Milliseconds since the epoch; injectable so tests can move time (token expiry, bucket drain, operating window). */
export type Clock = () => number;

export type AuthKind = 'webhook' | 'oauth';

export type FaultKind =
  | 'latency'
  | 'internal-error'
  | 'query-limit'
  | 'operation-time-limit'
  | 'html'
  | 'timeout-after-commit'
  | 'late-answer'
  | 'connection-reset';

export interface FaultSpec {
  kind: FaultKind;
  /**
   * `latency`: delay added before processing. `timeout-after-commit`: how long the socket is held after the write
   * is applied before it is destroyed; without it the socket stays open until the client gives up or the fake stops.
   * `late-answer`: how long the answer waits after the write is applied (and its events went out), default 1000.
   */
  delayMs?: number;
  /** `html`: status of the HTML error page (default 502, a proxy in front of the portal). */
  status?: number;
}

export interface FaultRule extends FaultSpec {
  /** Lower-case REST method (`crm.item.add`, `batch`, …) or `*` for every method. */
  method: string;
  /** 0..1, drawn from the fake's seeded RNG so runs are reproducible. */
  probability: number;
}

/** "The next `count` calls to `method` fail this way", consumed before the random rules. */
export interface ScriptedFault extends FaultSpec {
  method: string;
  count?: number;
}

export interface LimitOptions {
  /** Leaky bucket size X (protocol doc §2.1). */
  burst: number;
  /** Leaky bucket drain Y, requests per second. */
  drainPerSec: number;
  /** Operating budget per method and credential over the 10-minute window (protocol doc §2.2). */
  operatingLimitSec: number;
  /**
   * That window, seconds (600 on a real portal): `operating_reset_at` falls at most this far ahead, so a client that
   * pauses a method on a 429 until then resumes sooner on a shorter one.
   */
  operatingWindowSec: number;
  /** Simulated processing seconds charged per call, globally or per lower-case method. */
  processingSec: number | Record<string, number>;
}

export interface CategoryConfig {
  id: number;
  name?: string;
}

export interface SmartProcessConfig {
  entityTypeId: number;
  /** The first category is the default one. */
  categories?: CategoryConfig[];
}

export interface StageSeed {
  /** `DEAL_STAGE`, `DEAL_STAGE_<categoryId>`, `DYNAMIC_<entityTypeId>_STAGE_<categoryId>`. */
  entityId: string;
  statusId: string;
  name: string;
  sort?: number;
  /** `S` success, `F` failure, null for in-progress stages. */
  semantics?: 'S' | 'F' | null;
  color?: string;
}

/** A portal user as `user.get` returns it, UPPER_CASE keys. */
export interface UserSeed {
  ID: number;
  NAME?: string;
  LAST_NAME?: string;
  ACTIVE?: boolean;
  EMAIL?: string;
  UF_DEPARTMENT?: number[];
  [field: string]: unknown;
}

export interface OutgoingWebhookConfig {
  url: string;
  /** UPPER_CASE event names, e.g. `ONCRMDYNAMICITEMUPDATE`. */
  events: string[];
  /** The "Application token" the UI shows; generated when omitted. */
  applicationToken?: string;
}

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** `auth[application_token]` sent with app event deliveries. */
  applicationToken: string;
  accessTokenTtlSec: number;
  scope: string;
  userId: number;
  /** App status: `L` local, `F` free, `P` paid, … */
  status: string;
  /** The refresh response reports the OAuth server's host here, not the portal's (protocol doc §1.2). */
  serverDomain: string;
}

export interface FakeBitrix24Options {
  host?: string;
  /** 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Seeds every generated token, secret and fault draw. */
  seed?: number;
  /** `auth[domain]` in events; defaults to `host:port`. */
  domain?: string;
  memberId?: string;
  /** Portal time zone offset for dates in answers (Moscow by default, like the recorded fixtures). */
  timezoneOffsetMinutes?: number;
  webhook?: { userId?: number; secret?: string };
  oauth?: Partial<OAuthOptions>;
  limits?: Partial<LimitOptions>;
  faults?: FaultRule[];
  smartProcesses?: SmartProcessConfig[];
  /** Unknown entityTypeId >= 128 creates a smart process on first use; otherwise NOT_FOUND. Default true. */
  autoCreateSmartProcesses?: boolean;
  /** Information blocks that hold products (`catalog.catalog.list`). Default `[23]`. */
  catalogIblockIds?: number[];
  outgoingWebhooks?: OutgoingWebhookConfig[];
  /** How long an outbound event POST may take before it is recorded as failed. Default 5000. */
  deliveryTimeoutMs?: number;
  clock?: Clock;
}

/** Who caused a change made through the test API: a user's id, or 0 for a robot/automation (no OAuth tokens). */
export interface UiActor {
  userId?: number;
}

export interface RecordedRequest {
  seq: number;
  at: number;
  httpMethod: string;
  path: string;
  /** Lower-case REST method, `oauth/token` for the token endpoint. */
  method: string;
  authKind: AuthKind | 'none';
  params: Record<string, unknown>;
  /** null when no answer was sent (connection reset, held socket). */
  status: number | null;
  durationMs: number;
  fault?: FaultKind;
  /** Correlation headers the caller sent, for tests of propagation. */
  requestId?: string;
  traceparent?: string;
}

export interface FakeStats {
  /** REST and token-endpoint requests; the `/_fake` API is not counted. */
  requests: number;
  served503: number;
  served429: number;
  statusCounts: Record<string, number>;
  maxBucketFill: number;
  oauthRefreshes: number;
  eventDeliveries: number;
  eventDeliveryFailures: number;
}

export interface DeliveryRecord {
  seq: number;
  at: number;
  url: string;
  event: string;
  handlerId: number;
  /** The exact urlencoded body that was (or would have been) POSTed. */
  body: string;
  status?: number;
  error?: string;
}
