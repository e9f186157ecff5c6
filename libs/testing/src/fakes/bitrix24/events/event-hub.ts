import type { Rng } from '../faults';
import type { OAuthServer } from '../oauth-server';
import type { Clock, DeliveryRecord, OutgoingWebhookConfig } from '../types';
import { encodeEventBody, type EventPayload } from './event-body';
import { OfflineQueue } from './offline-queue';

/** Who caused a change: the credential of the REST call (and its `auth_connector`), or a simulated UI user. */
export interface Origin {
  kind: 'webhook' | 'oauth' | 'ui';
  /** 0 when a robot, workflow or agent acted: deliveries then carry no OAuth tokens (protocol doc §1.3). */
  userId: number;
  connector: string;
}

/** A handler bound with `event.bind`, the row `event.get` reports. */
export interface BoundHandler {
  id: number;
  event: string;
  handler: string;
  authType: number;
  connectorId: string;
  offline: boolean;
  minTimeoutSec?: number;
}

export interface OutgoingWebhook {
  id: number;
  url: string;
  events: string[];
  applicationToken: string;
}

export interface PortalIdentity {
  domain: string;
  clientEndpoint: string;
  serverEndpoint: string;
  memberId: string;
}

const CRM_EVENT_PREFIXES: Record<number, string> = {
  1: 'ONCRMLEAD',
  2: 'ONCRMDEAL',
  3: 'ONCRMCONTACT',
  4: 'ONCRMCOMPANY',
};
const STATIC_EVENTS = new Set([
  ...Object.values(CRM_EVENT_PREFIXES).flatMap((prefix) => ['ADD', 'UPDATE', 'DELETE'].map((a) => prefix + a)),
  'ONCRMDYNAMICITEMADD',
  'ONCRMDYNAMICITEMUPDATE',
  'ONCRMDYNAMICITEMDELETE',
  'CATALOG.PRODUCT.ON.ADD',
  'CATALOG.PRODUCT.ON.UPDATE',
  'CATALOG.PRODUCT.ON.DELETE',
  'ONTASKADD',
  'ONTASKUPDATE',
  'ONTASKDELETE',
  'ONOFFLINEEVENT',
]);

export function isKnownEvent(name: string): boolean {
  return STATIC_EVENTS.has(name) || /^ONCRMDYNAMICITEM(ADD|UPDATE|DELETE)_\d+$/.test(name);
}

/** Event names a CRM change raises; smart processes also raise the per-type variant (protocol doc §3.2). */
export function crmEventNames(entityTypeId: number, action: 'ADD' | 'UPDATE' | 'DELETE'): string[] {
  const prefix = CRM_EVENT_PREFIXES[entityTypeId];
  if (prefix) {
    return [prefix + action];
  }
  return [`ONCRMDYNAMICITEM${action}`, `ONCRMDYNAMICITEM${action}_${entityTypeId}`];
}

// The core throttles ONOFFLINEEVENT per handler, one second unless `options.minTimeout` says otherwise.
const OFFLINE_SIGNAL_DEFAULT_SEC = 1;

/**
 * Routes events to bound handlers, UI-configured outgoing webhooks and the offline queue. Delivery is
 * fire-and-forget like the portal's queue server: one attempt, no retries, failures only recorded
 * (protocol doc §0 item 1, §6.1).
 */
export class EventHub {
  readonly handlers: BoundHandler[] = [];
  readonly outgoing: OutgoingWebhook[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  readonly offline: OfflineQueue;
  deliveryEnabled = true;
  private muted = false;
  private nextHandlerId = 1;
  private readonly inflight = new Set<Promise<void>>();
  private readonly lastOfflineSignal = new Map<number, number>();

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly oauth: OAuthServer,
    private readonly identity: PortalIdentity,
    private readonly timeoutMs: number,
    offsetMinutes: number,
  ) {
    this.offline = new OfflineQueue(clock, rng, offsetMinutes);
  }

  bind(handler: Omit<BoundHandler, 'id'>): BoundHandler {
    const bound = { ...handler, id: this.nextHandlerId++ };
    this.handlers.push(bound);
    return bound;
  }

  unbind(predicate: (handler: BoundHandler) => boolean): number {
    const doomed = this.handlers.filter(predicate);
    for (const handler of doomed) {
      this.handlers.splice(this.handlers.indexOf(handler), 1);
    }
    return doomed.length;
  }

  addOutgoingWebhook(config: OutgoingWebhookConfig): OutgoingWebhook {
    const webhook = {
      id: this.nextHandlerId++,
      url: config.url,
      events: config.events.map((event) => event.toUpperCase()),
      applicationToken: config.applicationToken ?? this.rng.string(32),
    };
    this.outgoing.push(webhook);
    return webhook;
  }

  /** Runs `change` with every event swallowed: seeding a portal is not a change anyone is told about. */
  silently<T>(change: () => T): T {
    this.muted = true;
    try {
      return change();
    } finally {
      this.muted = false;
    }
  }

  emit(event: string, data: unknown, origin: Origin): void {
    if (this.muted) {
      return;
    }
    const ts = Math.floor(this.clock() / 1000);
    for (const handler of this.handlers.filter((h) => h.event === event && !h.offline)) {
      const userId = handler.authType > 0 ? handler.authType : origin.userId;
      this.deliver(handler.handler, { event, event_handler_id: handler.id, data, ts, auth: this.appAuth(userId) });
    }
    for (const webhook of this.outgoing.filter((w) => w.events.includes(event))) {
      this.deliver(webhook.url, { event, event_handler_id: webhook.id, data, ts, auth: this.webhookAuth(webhook) });
    }
    let queued = false;
    for (const handler of this.handlers.filter((h) => h.event === event && h.offline)) {
      // Loop guard (core ProviderOffline::finalize): a change made by this app under the handler's own
      // auth_connector is not queued back to it (protocol doc §6.2).
      if (origin.kind === 'oauth' && origin.connector === handler.connectorId) {
        continue;
      }
      this.offline.put(event, data, handler.connectorId, origin.userId);
      queued = true;
    }
    if (queued) {
      this.signalOffline(origin.userId, ts);
    }
  }

  /** Resolves once every delivery started so far has finished or failed. */
  async settle(): Promise<void> {
    while (this.inflight.size > 0) {
      await Promise.allSettled([...this.inflight]);
    }
  }

  private signalOffline(userId: number, ts: number): void {
    for (const handler of this.handlers.filter((h) => h.event === 'ONOFFLINEEVENT' && !h.offline)) {
      const last = this.lastOfflineSignal.get(handler.id);
      const minTimeoutMs = (handler.minTimeoutSec ?? OFFLINE_SIGNAL_DEFAULT_SEC) * 1000;
      if (last !== undefined && this.clock() - last < minTimeoutMs) {
        continue;
      }
      this.lastOfflineSignal.set(handler.id, this.clock());
      const auth = this.appAuth(handler.authType > 0 ? handler.authType : userId, true);
      this.deliver(handler.handler, { event: 'ONOFFLINEEVENT', event_handler_id: handler.id, data: [], ts, auth });
    }
  }

  /**
   * App handlers get a fresh token for the acting user, in the key order of the recorded ONCRMCONTACTADD delivery;
   * without a user only domain, member_id and application_token remain (core `Sender::getAuth`).
   */
  private appAuth(userId: number, withRefreshToken = false): Record<string, string | number> {
    const { domain, clientEndpoint, serverEndpoint, memberId } = this.identity;
    const applicationToken = this.oauth.options.applicationToken;
    if (userId <= 0) {
      return { domain, member_id: memberId, application_token: applicationToken };
    }
    const { token, expiresAtSec } = this.oauth.issueAccessToken(userId);
    return {
      access_token: token,
      expires: expiresAtSec,
      expires_in: this.oauth.options.accessTokenTtlSec,
      scope: this.oauth.options.scope,
      domain,
      server_endpoint: serverEndpoint,
      status: this.oauth.options.status,
      client_endpoint: clientEndpoint,
      member_id: memberId,
      user_id: userId,
      ...(withRefreshToken ? { refresh_token: this.oauth.refreshToken } : {}),
      application_token: applicationToken,
    };
  }

  private webhookAuth(webhook: OutgoingWebhook): Record<string, string> {
    const { domain, clientEndpoint, serverEndpoint, memberId } = this.identity;
    return {
      domain,
      client_endpoint: clientEndpoint,
      server_endpoint: serverEndpoint,
      member_id: memberId,
      application_token: webhook.applicationToken,
    };
  }

  private deliver(url: string, payload: EventPayload): void {
    const record: DeliveryRecord = {
      seq: this.deliveries.length + 1,
      at: this.clock(),
      url,
      event: payload.event,
      handlerId: payload.event_handler_id,
      body: encodeEventBody(payload),
    };
    this.deliveries.push(record);
    if (!this.deliveryEnabled) {
      record.error = 'delivery disabled (middleware down)';
      return;
    }
    // Deferred a tick: the portal posts from a background job after the REST answer has been written.
    const attempt = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Bitrix24 Webhook Engine' },
          body: record.body,
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      )
      .then(async (response) => {
        record.status = response.status;
        await response.arrayBuffer();
        if (!response.ok) {
          record.error = `HTTP ${response.status}`;
        }
      })
      .catch((error: unknown) => {
        record.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => this.inflight.delete(attempt));
    this.inflight.add(attempt);
  }
}
