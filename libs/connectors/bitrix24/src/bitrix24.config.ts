import { type EnvReader, registerConfigSection } from '@app/core';

/** How the connector authenticates its REST calls; `unconfigured` when neither mode is set up. */
export type Bitrix24AuthMode = 'webhook' | 'oauth' | 'unconfigured';

export interface Bitrix24OAuthSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The portal the local application is installed on; REST calls go to `<portalUrl>/rest/`, never to an event's. */
  readonly portalUrl: string;
  /** Hosts a received `server_endpoint` may name; refresh calls go nowhere else (SSRF guard). */
  readonly oauthServerHosts: readonly string[];
}

/** Bitrix24 connector settings. Owned by the Bitrix24 connector. */
export interface Bitrix24Settings {
  readonly authMode: Bitrix24AuthMode;
  /** Incoming-webhook URL (`https://<portal>/rest/<user>/<secret>/`); absent when unconfigured or OAuth is used. */
  readonly webhookUrl?: string;
  readonly oauth?: Bitrix24OAuthSettings;
  /** The portal's host: the key of the shared quota, breaker and status. */
  readonly portal?: string;
  /** Accepted `auth[application_token]` values of outbound events (several during a rotation). */
  readonly applicationTokens: readonly string[];
  /** When set, events from any other `auth[member_id]` are refused. */
  readonly memberId?: string;
  readonly rate: {
    readonly burst: number;
    readonly perSecond: number;
    /** Requests kept free below the portal's burst to absorb network jitter between replicas. */
    readonly safetyMargin: number;
  };
  /** The per-method operating budget over 10 minutes; the client pauses a method before reaching it. */
  readonly operatingLimitSeconds: number;
  readonly mappingFile?: string;
  /** Bound with offline events and sent with our writes, so the portal does not queue our own changes back. */
  readonly authConnector: string;
  /** `originatorId` of the CRM companies and contacts we create. */
  readonly originatorId: string;
  readonly requestTimeoutMs: number;
  readonly breaker: { readonly failureThreshold: number; readonly halfOpenAfterMs: number };
  readonly batch: { readonly lingerMs: number; readonly maxInFlight: number };
  /** 0 disables the scheduled reconcile (webhook mode's recovery of missed events). */
  readonly reconcileIntervalMs: number;
  /** 0 disables polling the offline queue (OAuth mode; ONOFFLINEEVENT still triggers a drain). */
  readonly offlinePollIntervalMs: number;
  /** `ratePerSecond`: refused calls per source and second before the source gets 429. */
  readonly webhook: { readonly bodyLimitBytes: number; readonly ratePerSecond: number };
  /**
   * Calls of the install handler per minute, counted across API replicas before anything else is done with them (in
   * particular before the `app.info` call that verifies a token), from any source: the install is a rare admin act.
   */
  readonly installAttemptsPerMinute: number;
}

export function readBitrix24Config(read: EnvReader): Bitrix24Settings {
  const webhookUrl = read.url('BITRIX24_WEBHOOK_URL', undefined, ['https:', 'http:']);
  const clientId = read.optionalString('BITRIX24_CLIENT_ID');
  const clientSecret = read.optionalString('BITRIX24_CLIENT_SECRET');
  const portalUrl = read.url('BITRIX24_PORTAL_URL', undefined, ['https:', 'http:']);
  const oauthServerHosts = read.list('BITRIX24_OAUTH_SERVER_HOSTS');
  let oauth: Bitrix24OAuthSettings | undefined;
  if (clientId !== undefined || clientSecret !== undefined) {
    if (clientId === undefined || clientSecret === undefined || portalUrl === undefined) {
      read.problem('BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET and BITRIX24_PORTAL_URL are needed together for OAuth');
    } else {
      oauth = {
        clientId,
        clientSecret,
        portalUrl,
        oauthServerHosts: oauthServerHosts.length > 0 ? oauthServerHosts : ['oauth.bitrix.info', 'oauth.bitrix24.tech'],
      };
    }
  }
  const authMode: Bitrix24AuthMode = oauth ? 'oauth' : webhookUrl ? 'webhook' : 'unconfigured';
  const portalSource = oauth?.portalUrl ?? webhookUrl;
  let portal: string | undefined;
  try {
    portal = portalSource ? new URL(portalSource).host : undefined;
  } catch {
    portal = undefined;
  }
  return {
    authMode,
    webhookUrl,
    oauth,
    portal,
    applicationTokens: read.list('BITRIX24_APPLICATION_TOKEN'),
    memberId: read.optionalString('BITRIX24_MEMBER_ID'),
    rate: {
      burst: read.int('BITRIX24_RATE_BURST', 50, { min: 1, max: 10_000 }),
      perSecond: read.int('BITRIX24_RATE_PER_SECOND', 2, { min: 1, max: 1_000 }),
      safetyMargin: read.int('BITRIX24_RATE_SAFETY_MARGIN', 2, { min: 0, max: 1_000 }),
    },
    operatingLimitSeconds: read.int('BITRIX24_OPERATING_LIMIT_SECONDS', 480, { min: 1 }),
    mappingFile: read.optionalString('BITRIX24_MAPPING_FILE'),
    authConnector: read.string('BITRIX24_AUTH_CONNECTOR', 'mastermobile'),
    originatorId: read.string('BITRIX24_ORIGINATOR_ID', 'mastermobile'),
    requestTimeoutMs: read.int('BITRIX24_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 120_000 }),
    breaker: {
      failureThreshold: read.int('BITRIX24_BREAKER_FAILURES', 5, { min: 1 }),
      halfOpenAfterMs: read.int('BITRIX24_BREAKER_HALF_OPEN_AFTER_MS', 30_000, { min: 10 }),
    },
    batch: {
      lingerMs: read.int('BITRIX24_BATCH_LINGER_MS', 50, { min: 0, max: 10_000 }),
      maxInFlight: read.int('BITRIX24_BATCH_MAX_IN_FLIGHT', 4, { min: 1, max: 64 }),
    },
    reconcileIntervalMs: read.int('BITRIX24_RECONCILE_INTERVAL_MS', 5 * 60_000, { min: 0 }),
    offlinePollIntervalMs: read.int('BITRIX24_OFFLINE_POLL_INTERVAL_MS', 60_000, { min: 0 }),
    webhook: {
      bodyLimitBytes: read.int('BITRIX24_WEBHOOK_BODY_LIMIT_BYTES', 64 * 1024, { min: 1024 }),
      ratePerSecond: read.int('BITRIX24_WEBHOOK_RATE_PER_SECOND', 50, { min: 1 }),
    },
    installAttemptsPerMinute: read.int('BITRIX24_INSTALL_RATE_PER_MINUTE', 5, { min: 1, max: 1_000 }),
  };
}

declare module '@app/core' {
  interface ConfigSections {
    /** The Bitrix24 connector's section: authentication, quota, webhooks, recovery and the mapping file. */
    readonly bitrix24: Bitrix24Settings;
  }
}

registerConfigSection('bitrix24', readBitrix24Config);
