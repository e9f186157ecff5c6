import type { Readable } from 'node:stream';
import { AppConfig, IntegrationLogService, REDIS_CLIENT, redactUrl, RequestContext } from '@app/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import iconv from 'iconv-lite';
import type { Redis } from 'ioredis';
import { OnecMetrics } from '../onec.metrics';
import { ExchangePorts } from '../ports/exchange-ports';
import { EXCHANGE_COOKIE_NAME, ExchangeAuthService, ExchangeCaller } from './exchange-auth.service';
import { ExchangeFailure } from './exchange-failure';
import { ExchangeImportService } from './exchange-import.service';
import { ExchangeReply } from './exchange-reply';
import { ExchangeSessionEntity, ExchangeType } from './exchange-session.entity';
import { ExchangeSessionStore } from './exchange-session.store';
import { ExchangeUploadService } from './exchange-upload.service';
import { ExchangeWorkArea } from './exchange-work-area';
import { SaleExchangeService } from './sale-exchange.service';

export interface ExchangeRequest {
  readonly method: string;
  /** Query parameters (`type`, `mode`, `filename`, `sessid`, `version`, `timestamp`). */
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly caller: ExchangeCaller;
  /** The unread request body of a POST (`mode=file`). */
  readonly body?: Readable;
  readonly contentLength?: number;
  /** Absolute request URL, for the integration log (secrets are removed there). */
  readonly url: string;
}

export interface ExchangeResponse {
  readonly reply: ExchangeReply;
  readonly setCookie?: string;
  /** The request body was not read to its end: the connection must close after the reply. */
  readonly closeConnection: boolean;
}

export const EXCHANGE_TYPES: readonly ExchangeType[] = ['catalog', 'sale'];

/** The modes this site answers; any other is answered `success` (1C-Bitrix's module calls some, e.g. sale/info). */
export const EXCHANGE_MODES = [
  'checkauth',
  'init',
  'file',
  'import',
  'deactivate',
  'complete',
  'query',
  'success',
] as const;

/** The query parameters the exchange reads; the IntegrationLog keeps these and no others. */
const QUERY_PARAMETERS = ['type', 'mode', 'filename', 'sessid', 'version', 'timestamp'];

/** A caller chooses its URL: what the IntegrationLog keeps of it is cut here (1C's own are far shorter). */
const LOGGED_URL_CHARS = 1_024;
const LOGGED_PARAMETER_CHARS = 256;

/** Calls refused before a session is known: at most one is stored per source in this many seconds. */
const REFUSAL_SAMPLE_SECONDS = 60;

/**
 * The CommerceML 2 "exchange with a site" protocol as 1C-Bitrix speaks it (`/bitrix/admin/1c_exchange.php`), so
 * that 1C:Управление торговлей's exchange node talks to us unchanged. Every reply is HTTP 200 with a status text
 * (`success` / `progress` / `failure` + reason), except `sale/query`, which answers the orders as XML.
 */
@Injectable()
export class ExchangeService {
  private readonly logger = new Logger(ExchangeService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly auth: ExchangeAuthService,
    private readonly store: ExchangeSessionStore,
    private readonly workArea: ExchangeWorkArea,
    private readonly uploads: ExchangeUploadService,
    private readonly imports: ExchangeImportService,
    private readonly sale: SaleExchangeService,
    private readonly ports: ExchangePorts,
    private readonly integrationLog: IntegrationLogService,
    private readonly metrics: OnecMetrics,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async handle(request: ExchangeRequest): Promise<ExchangeResponse> {
    const started = performance.now();
    const type = request.query.type ?? '';
    const mode = request.query.mode ?? '';
    let session: ExchangeSessionEntity | undefined;
    let setCookie: string | undefined;
    let reply: ExchangeReply;
    let failure: ExchangeFailure | undefined;
    let uploaded: number | undefined;
    try {
      if (!(EXCHANGE_TYPES as readonly string[]).includes(type)) {
        const shown = type.slice(0, 32) || '(none)';
        throw new ExchangeFailure('UNKNOWN_TYPE', `type=${shown} is not supported; use catalog or sale`);
      }
      const exchangeType = type as ExchangeType;
      if (mode !== 'file' && request.body) {
        await discardSmallBody(request.body);
      }
      if (mode === 'checkauth') {
        const opened = await this.auth.openSession(request.caller, exchangeType);
        session = opened.session;
        setCookie = `${EXCHANGE_COOKIE_NAME}=${opened.cookieValue}; Path=/; HttpOnly; SameSite=Lax`;
        reply = ExchangeReply.success(
          EXCHANGE_COOKIE_NAME,
          opened.cookieValue,
          `sessid=${opened.session.sessid}`,
          ...(exchangeType === 'catalog' ? [`timestamp=${Math.floor(Date.now() / 1000)}`] : []),
        );
      } else {
        session = await this.auth.sessionOf(request.caller, exchangeType);
        const handled = await this.dispatch(session, mode, request);
        reply = handled.reply;
        uploaded = handled.uploaded;
      }
    } catch (error) {
      failure = this.asFailure(error, session, type, mode);
      if (failure.failsSession && session) {
        await this.store.fail(session.id, failure.code, failure.reason);
      }
      reply = ExchangeReply.failure(failure.reason);
    }
    const closeConnection = request.body !== undefined && !request.body.readableEnded;
    await this.record(request, type, mode, session, reply, failure, uploaded, performance.now() - started);
    return { reply, setCookie, closeConnection };
  }

  private async dispatch(
    session: ExchangeSessionEntity,
    mode: string,
    request: ExchangeRequest,
  ): Promise<{ reply: ExchangeReply; uploaded?: number }> {
    const { query } = request;
    switch (mode) {
      case 'init':
        return { reply: await this.init(session, query.version) };
      case 'file': {
        if (!request.body) {
          throw new ExchangeFailure('EMPTY_FILE', 'mode=file needs the file as the POST body');
        }
        const part = await this.uploads.receive(session, query.filename, request.body, request.contentLength);
        if (session.type === 'sale' && session.clientVersion === null && part.role !== 'image') {
          // 1C that sent no version on init expects its documents applied within this request.
          return { reply: await this.imports.importNow(session, part.name), uploaded: part.bytes };
        }
        return { reply: ExchangeReply.success(), uploaded: part.bytes };
      }
      case 'import':
        return { reply: await this.imports.step(session, query.filename) };
      case 'query':
        if (session.type === 'sale') {
          return { reply: (await this.sale.query(session)).reply };
        }
        break;
      case 'success':
        if (session.type === 'sale') {
          return { reply: await this.sale.success(session) };
        }
        break;
      case 'deactivate':
      case 'complete':
        if (session.type === 'catalog') {
          return { reply: await this.finishCatalog(session, mode, query.timestamp) };
        }
        break;
    }
    // 1C-Bitrix's module also calls modes such as sale/info; answering failure would abort 1C's whole exchange.
    return { reply: ExchangeReply.success(`mode=${mode || '(none)'} is not used by this site`) };
  }

  /** `mode=init`: a clean work area, and the upload rules 1C must follow. */
  private async init(session: ExchangeSessionEntity, version: string | undefined): Promise<ExchangeReply> {
    const clientVersion = version && /^\d+(\.\d+)*$/.test(version) ? version : null;
    await this.workArea.reset(session.id);
    await this.store.resetForInit(session.id, clientVersion);
    const { zip, fileLimitBytes } = this.config.onec.exchange;
    const lines = [`zip=${zip ? 'yes' : 'no'}`, `file_limit=${fileLimitBytes}`];
    if (session.type === 'sale' && clientVersion !== null) {
      lines.push(`sessid=${session.sessid}`, `version=${this.config.onec.sale.schemaVersion}`);
    }
    return ExchangeReply.lines(...lines);
  }

  private async finishCatalog(
    session: ExchangeSessionEntity,
    mode: 'deactivate' | 'complete',
    timestamp: string | undefined,
  ): Promise<ExchangeReply> {
    const seconds = timestamp && /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : null;
    await this.ports.catalog.exchangeFinished({
      exchangeSessionId: session.id,
      mode,
      since: seconds === null ? null : new Date(seconds * 1000),
    });
    if (mode === 'complete') {
      await this.store.setState(session.id, 'completed');
      await this.workArea.remove(session.id);
      await this.store.update(session.id, { workAreaRemovedAt: new Date() });
    }
    return ExchangeReply.success(mode === 'complete' ? 'Exchange complete' : 'Deactivation noted');
  }

  private asFailure(
    error: unknown,
    session: ExchangeSessionEntity | undefined,
    type: string,
    mode: string,
  ): ExchangeFailure {
    if (error instanceof ExchangeFailure) {
      return error;
    }
    this.logger.error({ err: error, exchangeSessionId: session?.id, type, mode }, '1C exchange request failed');
    return new ExchangeFailure(
      'INTERNAL_ERROR',
      `The site could not process the request (request id ${RequestContext.requestId() ?? 'unknown'})`,
    );
  }

  private async record(
    request: ExchangeRequest,
    type: string,
    mode: string,
    session: ExchangeSessionEntity | undefined,
    reply: ExchangeReply,
    failure: ExchangeFailure | undefined,
    uploaded: number | undefined,
    durationMs: number,
  ): Promise<void> {
    // Labels from closed sets: the query string is anyone's to choose, and each new value would be a new series.
    const labels = { type: closedLabel(EXCHANGE_TYPES, type), mode: closedLabel(EXCHANGE_MODES, mode) };
    this.metrics.requests.inc({ ...labels, status: statusLabel(reply) });
    if (failure && !session) {
      // Refused before any session was known: anyone can send these, so they are counted, and only sampled into
      // the IntegrationLog.
      this.metrics.refused.inc({ reason: failure.code });
      if (!(await this.sampleRefusal(request.caller))) {
        return;
      }
    }
    await this.integrationLog.record({
      direction: 'inbound',
      system: 'onec',
      operation: `exchange.${labels.type}.${labels.mode}`,
      outcome: failure ? 'failure' : 'success',
      entityType: session ? 'onec_exchange_session' : undefined,
      entityId: session?.id,
      httpMethod: request.method,
      url: loggedUrl(request.url),
      httpStatus: 200,
      durationMs,
      requestBody: uploaded !== undefined ? `<${uploaded} bytes of ${request.query.filename ?? ''}>` : undefined,
      responseBody: this.logText(reply),
      errorCode: failure?.code,
      errorMessage: failure?.message,
    });
  }

  /** Whether this refused call is its source's one stored in the current sample window. */
  private async sampleRefusal(caller: ExchangeCaller): Promise<boolean> {
    const key = `${this.config.redis.keyPrefix}:onec:refusal-sample:${caller.remoteAddress ?? 'unknown'}`;
    // Without Redis nothing is stored: the metric and the security log line still tell.
    const taken = await this.redis.set(key, '1', 'EX', REFUSAL_SAMPLE_SECONDS, 'NX').catch(() => null);
    return taken === 'OK';
  }

  /**
   * Replies as text for the log; the checkauth cookie value is a credential and stays out (the IntegrationLog
   * redacts the `sessid=` lines itself).
   */
  private logText(reply: ExchangeReply): string {
    if (reply.kind === 'xml') {
      return this.config.onec.exchange.encoding === 'windows-1251'
        ? iconv.decode(reply.body, 'win1251')
        : reply.body.toString('utf8');
    }
    const [status, cookieName, _cookieValue, ...rest] = reply.lines;
    return cookieName === EXCHANGE_COOKIE_NAME
      ? [status, cookieName, '[REDACTED]', ...rest].join('\n')
      : reply.lines.join('\n');
  }
}

function closedLabel(known: readonly string[], value: string): string {
  return known.includes(value) ? value : 'other';
}

/** The status word answered; `init` answers its settings without one, and succeeded. */
function statusLabel(reply: ExchangeReply): string {
  if (reply.kind === 'xml') {
    return 'xml';
  }
  return reply.lines[0] === 'progress' || reply.lines[0] === 'failure' ? reply.lines[0] : 'success';
}

/** The request URL as the IntegrationLog keeps it: the parameters the exchange reads, redacted and cut short. */
function loggedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return redactUrl(raw).slice(0, LOGGED_URL_CHARS);
  }
  const kept = new URLSearchParams();
  for (const [name, value] of url.searchParams) {
    if (QUERY_PARAMETERS.includes(name) && !kept.has(name)) {
      kept.set(name, value.slice(0, LOGGED_PARAMETER_CHARS));
    }
  }
  url.search = kept.toString();
  return redactUrl(url.toString()).slice(0, LOGGED_URL_CHARS);
}

/** Reads and drops the body of a POST that carries none we need; a large one is left for the connection close. */
async function discardSmallBody(body: Readable, limit = 64 * 1024): Promise<void> {
  let seen = 0;
  for await (const chunk of body) {
    seen += (chunk as Buffer).length;
    if (seen > limit) {
      return;
    }
  }
}
