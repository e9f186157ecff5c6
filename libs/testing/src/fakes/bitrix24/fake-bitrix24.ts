import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CatalogStore } from './catalog-store';
import { CrmStore } from './crm-store';
import { ProductRowStore, type ProductRow } from './product-rows';
import { EventHub, type BoundHandler, type Origin, type OutgoingWebhook } from './events/event-hub';
import { FaultPlan, Rng } from './faults';
import { handleInspection } from './inspection-api';
import { LeakyBucket, OperatingBudget } from './limits';
import { catalogMethods } from './methods/catalog.methods';
import { crmMethods } from './methods/crm.methods';
import { Dispatcher, type Caller } from './methods/dispatcher';
import { eventMethods } from './methods/event.methods';
import type { InstalledApplication, Portal } from './methods/method-table';
import { taskMethods } from './methods/task.methods';
import { userMethods } from './methods/user.methods';
import { OAuthServer } from './oauth-server';
import { formatPortalDate } from './portal-time';
import { parseRequestParams, type Params } from './request-params';
import { RestError, restErrors } from './rest-error';
import { StatusStore } from './status-store';
import { TaskStore } from './task-store';
import type {
  AuthKind,
  Clock,
  DeliveryRecord,
  FakeBitrix24Options,
  FakeStats,
  FaultRule,
  FaultSpec,
  LimitOptions,
  OutgoingWebhookConfig,
  RecordedRequest,
  ScriptedFault,
  StageSeed,
  UiActor,
  UserSeed,
} from './types';
import { UserStore } from './user-store';

export interface SeedData {
  /** CRM items; read-only fields (`id`, `createdTime`, `updatedTime`, …) may be given. No events fire. */
  items?: Array<{ entityTypeId: number } & Record<string, unknown>>;
  /** Fields as `catalog.product.add` takes them. No events fire. */
  products?: Array<Record<string, unknown>>;
  users?: UserSeed[];
  stages?: StageSeed[];
  /** UPPER_CASE fields as `tasks.task.add` takes them. No events fire. */
  tasks?: Array<Record<string, unknown>>;
}

/** Everything a client needs to talk OAuth to the fake. */
export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
  applicationToken: string;
  memberId: string;
  domain: string;
  clientEndpoint: string;
  serverEndpoint: string;
  /** POST/GET `grant_type=refresh_token&client_id&client_secret&refresh_token` here. */
  tokenUrl: string;
  scope: string;
}

const DEFAULT_PROCESSING_SEC = 0.05;
const DEFAULT_LIMITS: LimitOptions = {
  burst: 50,
  drainPerSec: 2,
  operatingLimitSec: 480,
  operatingWindowSec: 600,
  processingSec: DEFAULT_PROCESSING_SEC,
};
const REST_PATH = /^\/rest\/(?:(\d+)\/([^/]+)\/)?([^/]+?)(?:\.json)?\/?$/;
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A fake Bitrix24 portal on a real HTTP server: incoming webhook and OAuth REST calls, the OAuth token endpoint,
 * limits, fault injection, outbound events and the offline queue, plus a `/_fake/*` inspection API.
 */
export class FakeBitrix24 {
  readonly baseUrl: string;
  /** `…/rest/<userId>/<secret>/`, append a method name. */
  readonly webhookUrl: string;

  private readonly clock: Clock;
  private readonly offsetMinutes: number;
  private readonly webhookUserId: number;
  private readonly webhookSecret: string;
  private readonly domain: string;
  private readonly memberId: string;
  private readonly oauthServer: OAuthServer;
  /** Ours first, then any other application a test installs on the same portal. */
  private readonly applications: InstalledApplication[];
  private readonly tokenRng: Rng;
  private readonly hub: EventHub;
  private readonly portal: Portal;
  private readonly dispatcher: Dispatcher;
  private readonly bucket: LeakyBucket;
  private readonly budget: OperatingBudget;
  private readonly faults: FaultPlan;
  private readonly log: RecordedRequest[] = [];
  private readonly statusCounts: Record<string, number> = {};
  private processingSec: LimitOptions['processingSec'];
  private requestCount = 0;

  static async start(options: FakeBitrix24Options = {}): Promise<FakeBitrix24> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeBitrix24(server, `http://${host}:${port}`, `${host}:${port}`, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        }
      });
    });
    return fake;
  }

  private constructor(
    private readonly server: Server,
    baseUrl: string,
    hostPort: string,
    options: FakeBitrix24Options,
  ) {
    const seed = options.seed ?? 24;
    // Separate streams, so changing fault rules never changes tokens or secrets.
    const tokenRng = new Rng(seed);
    this.tokenRng = tokenRng;
    this.clock = options.clock ?? Date.now;
    this.offsetMinutes = options.timezoneOffsetMinutes ?? 180;
    this.baseUrl = baseUrl;
    this.domain = options.domain ?? hostPort;
    this.memberId = options.memberId ?? tokenRng.string(32, '0123456789abcdef');
    this.webhookUserId = options.webhook?.userId ?? 1;
    this.webhookSecret = options.webhook?.secret ?? tokenRng.string(16);
    this.webhookUrl = `${baseUrl}/rest/${this.webhookUserId}/${this.webhookSecret}/`;
    const identity = {
      domain: this.domain,
      clientEndpoint: `${baseUrl}/rest/`,
      serverEndpoint: `${baseUrl}/rest/`,
      memberId: this.memberId,
    };
    this.oauthServer = new OAuthServer(
      {
        clientId:
          options.oauth?.clientId ??
          `local.${tokenRng.string(14, '0123456789abcdef')}.${tokenRng.string(8, '0123456789')}`,
        clientSecret:
          options.oauth?.clientSecret ??
          tokenRng.string(50, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
        applicationToken: options.oauth?.applicationToken ?? tokenRng.string(32),
        accessTokenTtlSec: options.oauth?.accessTokenTtlSec ?? 3600,
        scope: options.oauth?.scope ?? 'crm,catalog,task,user,placement',
        userId: options.oauth?.userId ?? this.webhookUserId,
        status: options.oauth?.status ?? 'L',
        serverDomain: options.oauth?.serverDomain ?? 'oauth.bitrix.info',
      },
      identity,
      this.clock,
      tokenRng,
    );
    this.applications = [
      { id: 1, clientId: this.oauthServer.options.clientId, status: this.oauthServer.options.status },
    ];
    this.hub = new EventHub(
      this.clock,
      tokenRng,
      this.oauthServer,
      identity,
      options.deliveryTimeoutMs ?? 5000,
      this.offsetMinutes,
    );
    for (const webhook of options.outgoingWebhooks ?? []) {
      this.hub.addOutgoingWebhook(webhook);
    }
    const env = {
      clock: this.clock,
      offsetMinutes: this.offsetMinutes,
      hub: this.hub,
      autoCreate: options.autoCreateSmartProcesses ?? true,
    };
    const statuses = new StatusStore(this.offsetMinutes);
    const catalogIblockIds = options.catalogIblockIds ?? [23];
    const crm = new CrmStore(env, statuses, options.smartProcesses ?? []);
    this.portal = {
      crm,
      productRows: new ProductRowStore(crm),
      statuses,
      catalog: new CatalogStore(env, catalogIblockIds),
      users: new UserStore(this.offsetMinutes),
      tasks: new TaskStore(env),
      hub: this.hub,
      catalogIblockIds,
    };
    this.processingSec = options.limits?.processingSec ?? DEFAULT_LIMITS.processingSec;
    this.bucket = new LeakyBucket(
      this.clock,
      options.limits?.burst ?? DEFAULT_LIMITS.burst,
      options.limits?.drainPerSec ?? DEFAULT_LIMITS.drainPerSec,
    );
    this.budget = new OperatingBudget(
      this.clock,
      options.limits?.operatingLimitSec ?? DEFAULT_LIMITS.operatingLimitSec,
      options.limits?.operatingWindowSec ?? DEFAULT_LIMITS.operatingWindowSec,
    );
    this.faults = new FaultPlan(seed);
    this.faults.set(options.faults ?? []);
    this.dispatcher = new Dispatcher(
      this.portal,
      { ...crmMethods, ...catalogMethods, ...userMethods, ...taskMethods, ...eventMethods },
      this.budget,
      (method) => this.processingFor(method),
      this.clock,
      this.offsetMinutes,
    );
  }

  get oauth(): OAuthSettings {
    const { options } = this.oauthServer;
    return {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      accessToken: this.oauthServer.accessToken,
      refreshToken: this.oauthServer.refreshToken,
      applicationToken: options.applicationToken,
      memberId: this.memberId,
      domain: this.domain,
      clientEndpoint: `${this.baseUrl}/rest/`,
      serverEndpoint: `${this.baseUrl}/rest/`,
      tokenUrl: `${this.baseUrl}/oauth/token/`,
      scope: options.scope,
    };
  }

  /**
   * Installs another application on this portal (same domain and member id, its own client id and tokens), as an
   * attacker's or a neighbour's app would be: its access token works for REST calls and `app.info` tells its own
   * CODE. The token endpoint serves our application only.
   */
  addApplication(options: { clientId: string; status?: string }): OAuthSettings {
    const application = { id: this.applications.length + 1, clientId: options.clientId, status: options.status ?? 'L' };
    this.applications.push(application);
    return {
      ...this.oauth,
      clientId: application.clientId,
      clientSecret: this.tokenRng.string(50),
      accessToken: this.oauthServer.issueAccessToken(this.oauthServer.options.userId, application.clientId).token,
      refreshToken: this.tokenRng.string(32),
      applicationToken: this.tokenRng.string(32),
    };
  }

  // ---- inspection ----

  /** Items as `crm.item.get` would show them. */
  items(entityTypeId: number): Array<Record<string, unknown>> {
    return this.portal.crm.all(entityTypeId).map((item) => this.portal.crm.present(item));
  }

  /** The product rows of a smart-process item, as `crm.item.productrow.list` would show them. */
  productRows(entityTypeId: number, itemId: number): ProductRow[] {
    return this.portal.productRows.list(`T${entityTypeId.toString(16)}`, itemId).map((row) => ({ ...row }));
  }

  products(): Array<Record<string, unknown>> {
    return this.portal.catalog.all().map((product) => this.portal.catalog.present(product));
  }

  users(): Array<Record<string, unknown>> {
    return this.portal.users.all();
  }

  tasks(): Array<Record<string, unknown>> {
    return this.portal.tasks.all().map((task) => this.portal.tasks.present(task, ['*', 'UF_*']));
  }

  /** The offline queue's rows, reservations and error flags included. */
  offlineEvents(): Array<Record<string, unknown>> {
    return this.hub.offline.snapshot.map((row) => ({
      ...row,
      TIMESTAMP_X: formatPortalDate(row.TIMESTAMP_X, this.offsetMinutes),
    }));
  }

  handlers(): { bound: readonly BoundHandler[]; outgoingWebhooks: readonly OutgoingWebhook[] } {
    return { bound: this.hub.handlers, outgoingWebhooks: this.hub.outgoing };
  }

  get requests(): readonly RecordedRequest[] {
    return this.log;
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  get deliveries(): readonly DeliveryRecord[] {
    return this.hub.deliveries;
  }

  get stats(): FakeStats {
    return {
      requests: this.requestCount,
      served503: this.statusCounts['503'] ?? 0,
      served429: this.statusCounts['429'] ?? 0,
      statusCounts: { ...this.statusCounts },
      maxBucketFill: this.bucket.maxObservedFill,
      oauthRefreshes: this.oauthServer.refreshes,
      eventDeliveries: this.hub.deliveries.length,
      eventDeliveryFailures: this.hub.deliveries.filter((delivery) => delivery.error !== undefined).length,
    };
  }

  /** Waits for every outbound event POST started so far. */
  settleDeliveries(): Promise<void> {
    return this.hub.settle();
  }

  // ---- control ----

  seed(data: SeedData): void {
    this.portal.statuses.seed(data.stages ?? []);
    this.portal.users.seed(data.users ?? []);
    const seeder: Origin = { kind: 'ui', userId: this.webhookUserId, connector: '' };
    for (const { entityTypeId, ...fields } of data.items ?? []) {
      this.portal.crm.seed(entityTypeId, [fields]);
    }
    this.hub.silently(() => {
      (data.products ?? []).forEach((fields) => this.portal.catalog.add(fields, seeder));
      (data.tasks ?? []).forEach((fields) => this.portal.tasks.add(fields, seeder));
    });
  }

  /** Replaces the random fault rules; a seed restarts the draw sequence. */
  setFaults(rules: FaultRule[], seed?: number): void {
    this.faults.set(rules, seed);
  }

  scriptFault(fault: ScriptedFault): void {
    this.faults.script(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setLimits(limits: Partial<LimitOptions>): void {
    this.bucket.burst = limits.burst ?? this.bucket.burst;
    this.bucket.drainPerSec = limits.drainPerSec ?? this.bucket.drainPerSec;
    this.budget.limitSec = limits.operatingLimitSec ?? this.budget.limitSec;
    this.processingSec = limits.processingSec ?? this.processingSec;
  }

  /** `false` simulates the middleware being down: deliveries fail, the offline queue still fills. */
  setDeliveryEnabled(enabled: boolean): void {
    this.hub.deliveryEnabled = enabled;
  }

  /** A UI-configured outgoing webhook: no binding needed, only the application token in `auth`. */
  addOutgoingWebhook(config: OutgoingWebhookConfig): { id: number; applicationToken: string } {
    const { id, applicationToken } = this.hub.addOutgoingWebhook(config);
    return { id, applicationToken };
  }

  expireAccessTokens(): void {
    this.oauthServer.expireAll();
  }

  // ---- a user's (or a robot's) edits in the portal UI: events fire as for REST changes ----

  /**
   * An item saved in the portal's form. `productRows` (as `crm.item.productrow.set` takes them) are the lines a
   * courier added on the same form: they exist before the add event fires, as when the portal saves both at once.
   */
  uiAddItem(
    entityTypeId: number,
    fields: Record<string, unknown>,
    actor?: UiActor & { readonly productRows?: ReadonlyArray<Record<string, unknown>> },
  ): Record<string, unknown> {
    const rows = actor?.productRows;
    const item = this.portal.crm.add(entityTypeId, fields, this.uiOrigin(actor), (added) => {
      if (rows !== undefined) {
        this.portal.productRows.set(`T${entityTypeId.toString(16)}`, added.id, [...rows]);
      }
    });
    return this.portal.crm.present(item);
  }

  uiUpdateItem(
    entityTypeId: number,
    id: number,
    fields: Record<string, unknown>,
    actor?: UiActor,
  ): Record<string, unknown> {
    return this.portal.crm.present(this.portal.crm.update(entityTypeId, id, fields, this.uiOrigin(actor)));
  }

  uiDeleteItem(entityTypeId: number, id: number, actor?: UiActor): void {
    this.portal.crm.delete(entityTypeId, id, this.uiOrigin(actor));
  }

  /** A product added in the catalog UI (or by another integration); `iblockId` defaults to the first catalog. */
  uiAddProduct(fields: Record<string, unknown>, actor?: UiActor): Record<string, unknown> {
    const product = this.portal.catalog.add(
      { iblockId: this.portal.catalogIblockIds[0], ...fields },
      this.uiOrigin(actor),
    );
    return this.portal.catalog.present(product);
  }

  uiUpdateProduct(id: number, fields: Record<string, unknown>, actor?: UiActor): Record<string, unknown> {
    return this.portal.catalog.present(this.portal.catalog.update(id, fields, this.uiOrigin(actor)));
  }

  uiDeleteProduct(id: number, actor?: UiActor): void {
    this.portal.catalog.delete(id, this.uiOrigin(actor));
  }

  uiUpdateTask(id: number, fields: Record<string, unknown>, actor?: UiActor): Record<string, unknown> {
    return this.portal.tasks.present(this.portal.tasks.update(id, fields, this.uiOrigin(actor)));
  }

  async stop(): Promise<void> {
    // Also drops sockets held open by timeout-after-commit faults.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.hub.settle();
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const body = await readBody(req);
    if (url.pathname.startsWith('/_fake/')) {
      const outcome = await handleInspection(this, req.method ?? 'GET', url, body);
      sendJson(res, outcome.status, outcome.body);
      return;
    }
    const params = parseRequestParams(url.search, body, req.headers['content-type']);
    if (/^\/oauth\/token\/?$/.test(url.pathname)) {
      const record = this.record(req, url, 'oauth/token', 'none', params);
      const outcome = this.oauthServer.refresh(params);
      this.finish(record, res, outcome.status, outcome.body);
      return;
    }
    const route = REST_PATH.exec(url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const [, userId, secret, rawMethod] = route;
    const kind: AuthKind = userId === undefined ? 'oauth' : 'webhook';
    await this.handleRest(req, res, url, rawMethod.toLowerCase(), kind, { userId, secret }, params);
  }

  private async handleRest(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    kind: AuthKind,
    webhook: { userId?: string; secret?: string },
    params: Params,
  ): Promise<void> {
    const startedMs = this.clock();
    const record = this.record(req, url, method, kind, params);
    const fault = this.faults.pick(method);
    record.fault = fault?.kind;
    if (fault?.kind === 'connection-reset') {
      req.socket.destroy();
      return;
    }
    // One bucket per portal for every credential; a batch is one request (protocol doc §2.1).
    if (!this.bucket.tryTake()) {
      this.finish(record, res, 503, restErrors.queryLimit().toBody());
      return;
    }
    if (fault?.kind === 'latency') {
      await sleep(fault.delayMs ?? 1000);
    }
    let caller: Caller;
    try {
      caller = this.authenticate(kind, webhook, params);
    } catch (error) {
      const failure = error instanceof RestError ? error : restErrors.internal();
      this.finish(record, res, failure.status, failure.toBody());
      return;
    }
    if (fault && this.answerFault(fault, record, res)) {
      return;
    }
    const { auth: _auth, auth_connector: _connector, ...methodParams } = params;
    const outcome = this.dispatcher.execute(method, methodParams, caller, startedMs);
    if (fault?.kind === 'timeout-after-commit') {
      // The write is applied; the answer never comes (protocol doc §0 item 5, §6.3 item 2).
      this.hold(res, fault.delayMs);
      return;
    }
    if (fault?.kind === 'late-answer') {
      // Applied and announced, answered late: the caller's events can come back before its answer does.
      await sleep(fault.delayMs ?? 1000);
    }
    this.finish(record, res, outcome.status, outcome.body);
  }

  /** Faults that replace the answer before the method runs; true when one was sent. */
  private answerFault(fault: FaultSpec, record: RecordedRequest, res: ServerResponse): boolean {
    switch (fault.kind) {
      case 'internal-error':
        this.finish(record, res, 500, restErrors.internal().toBody());
        return true;
      case 'query-limit':
        this.finish(record, res, 503, restErrors.queryLimit().toBody());
        return true;
      case 'operation-time-limit': {
        // The method's operating budget spent, as the portal answers a call it refuses (nothing is done).
        const refusal = restErrors.operationTimeLimit();
        this.finish(record, res, refusal.status, refusal.toBody());
        return true;
      }
      case 'html': {
        // Limit hits have surfaced as proxy HTML pages instead of JSON (protocol doc §2.4, fast_bitrix24#216).
        const status = fault.status ?? 502;
        const page = `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
        res.writeHead(status, { 'content-type': 'text/html' }).end(page);
        this.count(record, status);
        return true;
      }
      case 'latency':
      case 'timeout-after-commit':
      case 'late-answer':
      case 'connection-reset':
        return false;
    }
  }

  private authenticate(kind: AuthKind, webhook: { userId?: string; secret?: string }, params: Params): Caller {
    const connector = typeof params.auth_connector === 'string' ? params.auth_connector : '';
    if (kind === 'webhook') {
      if (Number(webhook.userId) !== this.webhookUserId || webhook.secret !== this.webhookSecret) {
        throw restErrors.noAuth();
      }
      return { kind, userId: this.webhookUserId, connector };
    }
    if (typeof params.auth !== 'string' || params.auth === '') {
      throw restErrors.noAuth();
    }
    const check = this.oauthServer.check(params.auth);
    if (!check.ok) {
      throw check.reason === 'expired' ? restErrors.expiredToken() : restErrors.invalidToken();
    }
    const application = this.applications.find((candidate) => candidate.clientId === check.clientId);
    return { kind, userId: check.userId, connector, application };
  }

  private hold(res: ServerResponse, delayMs: number | undefined): void {
    if (delayMs !== undefined) {
      setTimeout(() => res.socket?.destroy(), delayMs).unref();
    }
  }

  private record(
    req: IncomingMessage,
    url: URL,
    method: string,
    authKind: RecordedRequest['authKind'],
    params: Params,
  ): RecordedRequest {
    this.requestCount += 1;
    const record: RecordedRequest = {
      seq: this.requestCount,
      at: this.clock(),
      httpMethod: req.method ?? 'GET',
      path: url.pathname,
      method,
      authKind,
      params,
      status: null,
      durationMs: 0,
      ...headerValue(req, 'x-request-id', 'requestId'),
      ...headerValue(req, 'traceparent', 'traceparent'),
    };
    this.log.push(record);
    return record;
  }

  private finish(record: RecordedRequest, res: ServerResponse, status: number, body: unknown): void {
    sendJson(res, status, body);
    this.count(record, status);
  }

  private count(record: RecordedRequest, status: number): void {
    record.status = status;
    record.durationMs = this.clock() - record.at;
    this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
  }

  private processingFor(method: string): number {
    const configured = this.processingSec;
    if (typeof configured === 'number') {
      return configured;
    }
    return configured[method] ?? configured['*'] ?? DEFAULT_PROCESSING_SEC;
  }

  private uiOrigin(actor: UiActor | undefined): Origin {
    return { kind: 'ui', userId: actor?.userId ?? this.webhookUserId, connector: '' };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) }).end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function headerValue<K extends string>(req: IncomingMessage, header: string, key: K): Partial<Record<K, string>> {
  const value = req.headers[header];
  return typeof value === 'string' ? ({ [key]: value } as Partial<Record<K, string>>) : {};
}
