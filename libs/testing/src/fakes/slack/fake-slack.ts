import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OutageMode, OutageServer } from '../chat/outage-server';

/** What a webhook is in the fake: working, or one of the states Slack reports for a broken one. */
export type SlackHookState = 'active' | 'channel_not_found' | 'archived' | 'prohibited';

export interface FakeSlackOptions {
  /** Messages per second one webhook accepts on average (Slack: about 1). */
  readonly perSecond?: number;
  /** Messages one webhook accepts back to back before the rate applies. */
  readonly burst?: number;
  readonly clock?: () => number;
}

export interface SlackMessage {
  readonly at: number;
  /** The webhook's path, `/services/T…/B…/…`. */
  readonly hook: string;
  readonly text?: string;
  readonly blocks?: unknown[];
}

export interface SlackRequest {
  readonly at: number;
  readonly hook: string;
  readonly status: number;
  readonly answer: string;
  /** Seconds, on a 429. */
  readonly retryAfter?: number;
}

interface Hook {
  state: SlackHookState;
  tokens: number;
  refilledAt: number;
}

const SECTION_TEXT_LIMIT = 3000;
const MAX_BLOCKS = 50;

/**
 * A fake Slack incoming-webhook service on a real HTTP server, answering as Slack documents: `ok` (text/plain) for a
 * message; 400 `invalid_payload` for a body that is not a JSON payload, `no_text` without text or blocks,
 * `invalid_blocks` for blocks Slack would refuse; 404 `no_service` for an unknown webhook, and 404
 * `channel_not_found`, 410 `channel_is_archived`, 403 `action_prohibited` for broken ones; 429 with `Retry-After`
 * over its rate (a token bucket per webhook). It can be down (503 or refusing connections). It records every
 * message and every answer, for tests to check pacing and that nothing was lost or doubled.
 */
export class FakeSlack {
  readonly messages: SlackMessage[] = [];
  readonly requests: SlackRequest[] = [];
  /** The webhook {@link start} creates. */
  readonly webhookUrl: string;
  private readonly hooks = new Map<string, Hook>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly clock: () => number;

  private constructor(
    private readonly server: OutageServer,
    options: FakeSlackOptions,
  ) {
    server.onRequest((req, body, res) => this.handle(req, body, res));
    this.perSecond = options.perSecond ?? 1;
    this.burst = options.burst ?? 2;
    this.clock = options.clock ?? Date.now;
    this.webhookUrl = this.addWebhook();
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    return new FakeSlack(await OutageServer.start(), options);
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** A new webhook URL (its own channel and rate). */
  addWebhook(state: SlackHookState = 'active'): string {
    const path = `/services/T${randomId(8)}/B${randomId(8)}/${randomBytes(12).toString('base64url')}`;
    this.hooks.set(path, { state, tokens: this.burst, refilledAt: this.clock() });
    return `${this.baseUrl}${path}`;
  }

  setWebhookState(url: string, state: SlackHookState): void {
    const hook = this.hooks.get(new URL(url).pathname);
    if (!hook) {
      throw new Error('Unknown webhook');
    }
    hook.state = state;
  }

  messagesTo(url: string = this.webhookUrl): SlackMessage[] {
    const path = new URL(url).pathname;
    return this.messages.filter((message) => message.hook === path);
  }

  get rateLimited(): SlackRequest[] {
    return this.requests.filter((request) => request.status === 429);
  }

  goDown(mode?: OutageMode, forMs?: number): Promise<void> {
    return this.server.goDown(mode, forMs);
  }

  comeBack(): Promise<void> {
    return this.server.comeBack();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const hookPath = (req.url ?? '').split('?')[0];
    const answer = (status: number, text: string, headers: Record<string, string> = {}, retryAfter?: number) => {
      this.requests.push({ at: this.clock(), hook: hookPath, status, answer: text, retryAfter });
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
    };
    const hook = this.hooks.get(hookPath);
    if (req.method !== 'POST' || !hook) {
      return answer(404, 'no_service');
    }
    switch (hook.state) {
      case 'channel_not_found':
        return answer(404, 'channel_not_found');
      case 'archived':
        return answer(410, 'channel_is_archived');
      case 'prohibited':
        return answer(403, 'action_prohibited');
      case 'active':
        break;
    }
    const payload = parsePayload(body, req.headers['content-type'] ?? '');
    if (payload === undefined) {
      return answer(400, 'invalid_payload');
    }
    const { text, blocks } = payload;
    if (text !== undefined && typeof text !== 'string') {
      return answer(400, 'invalid_payload');
    }
    if (blocks !== undefined && !validBlocks(blocks)) {
      return answer(400, 'invalid_blocks');
    }
    if (!text && (!Array.isArray(blocks) || blocks.length === 0)) {
      return answer(400, 'no_text');
    }
    const wait = this.take(hook);
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      return answer(429, 'rate_limited', { 'retry-after': String(seconds) }, seconds);
    }
    this.messages.push({ at: this.clock(), hook: hookPath, text, blocks: blocks as unknown[] | undefined });
    answer(200, 'ok');
  }

  /** 0 when a token was taken, else the milliseconds until one is there. */
  private take(hook: Hook): number {
    const now = this.clock();
    hook.tokens = Math.min(this.burst, hook.tokens + ((now - hook.refilledAt) / 1000) * this.perSecond);
    hook.refilledAt = now;
    if (hook.tokens >= 1) {
      hook.tokens -= 1;
      return 0;
    }
    return ((1 - hook.tokens) / this.perSecond) * 1000;
  }
}

/** JSON, or the legacy form body `payload=<json>`. */
function parsePayload(body: string, contentType: string): { text?: unknown; blocks?: unknown } | undefined {
  let raw = body;
  if (contentType.includes('application/x-www-form-urlencoded')) {
    raw = new URLSearchParams(body).get('payload') ?? '';
  }
  try {
    const parsed = JSON.parse(raw) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function validBlocks(blocks: unknown): boolean {
  if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS) {
    return false;
  }
  return blocks.every((block: unknown) => {
    const { type, text } = (block ?? {}) as { type?: unknown; text?: { type?: unknown; text?: unknown } };
    if (typeof type !== 'string') {
      return false;
    }
    if (type !== 'section') {
      return true;
    }
    return (
      !!text &&
      (text.type === 'mrkdwn' || text.type === 'plain_text') &&
      typeof text.text === 'string' &&
      text.text.length >= 1 &&
      text.text.length <= SECTION_TEXT_LIMIT
    );
  });
}

function randomId(length: number): string {
  return randomBytes(length).toString('hex').toUpperCase().slice(0, length);
}
