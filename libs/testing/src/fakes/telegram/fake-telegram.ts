import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OutageMode, OutageServer } from '../chat/outage-server';
import { parseTelegramHtml } from './telegram-html';

export interface FakeTelegramOptions {
  /** The bot's token; a random one by default. */
  readonly token?: string;
  /** Chats the bot is in: numeric ids, negative for groups. */
  readonly chats?: readonly string[];
  /** Least time between two messages to one chat (Telegram: about 1 s). */
  readonly perChatIntervalMs?: number;
  /** Messages per minute to one group (Telegram: 20). */
  readonly groupPerMinute?: number;
  readonly clock?: () => number;
}

export interface TelegramMessage {
  readonly at: number;
  readonly messageId: number;
  readonly chatId: string;
  /** As sent (markup included). */
  readonly text: string;
  /** As a user sees it, after entity parsing. */
  readonly visibleText: string;
  readonly parseMode?: string;
}

export interface TelegramRequest {
  readonly at: number;
  readonly method: string;
  readonly chatId?: string;
  readonly status: number;
  readonly description?: string;
  /** Seconds, on a 429. */
  readonly retryAfter?: number;
}

const TEXT_LIMIT = 4096;

/**
 * A fake Telegram Bot API on a real HTTP server: `POST /bot<token>/sendMessage` with a JSON, form or query body,
 * answering as the Bot API does: 401 Unauthorized for a wrong token; 400 for an empty or too long text (counted
 * after entity parsing), markup it cannot parse, or a chat the bot is not in; 429 with `parameters.retry_after`
 * over 1 message/s per chat or 20/min per group. It can be down (503 or refusing connections), and records every
 * message and answer so tests can check pacing and that nothing was lost or doubled.
 */
export class FakeTelegram {
  readonly token: string;
  readonly messages: TelegramMessage[] = [];
  readonly requests: TelegramRequest[] = [];
  private readonly chats: Set<string>;
  private readonly perChatIntervalMs: number;
  private readonly groupPerMinute: number;
  private readonly clock: () => number;
  private nextMessageId = 1;

  private constructor(
    private readonly server: OutageServer,
    options: FakeTelegramOptions,
  ) {
    server.onRequest((req, body, res) => this.handle(req, body, res));
    this.token =
      options.token ??
      `${100000000 + Math.floor(Math.random() * 899999999)}:${randomBytes(26).toString('base64url').slice(0, 35)}`;
    this.chats = new Set(options.chats ?? ['-1001234567890']);
    this.perChatIntervalMs = options.perChatIntervalMs ?? 1000;
    this.groupPerMinute = options.groupPerMinute ?? 20;
    this.clock = options.clock ?? Date.now;
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    return new FakeTelegram(await OutageServer.start(), options);
  }

  /** What NOTIFY_TELEGRAM_API_URL should be. */
  get apiUrl(): string {
    return this.server.baseUrl;
  }

  addChat(chatId: string): void {
    this.chats.add(chatId);
  }

  messagesTo(chatId: string): TelegramMessage[] {
    return this.messages.filter((message) => message.chatId === chatId);
  }

  get rateLimited(): TelegramRequest[] {
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
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const method = match?.[2] ?? '';
    const params = { ...Object.fromEntries(url.searchParams), ...parseBody(body, req.headers['content-type'] ?? '') };
    const rawChat = params.chat_id;
    const chatId = typeof rawChat === 'string' || typeof rawChat === 'number' ? String(rawChat) : undefined;
    const fail = (status: number, description: string, retryAfter?: number) => {
      this.requests.push({ at: this.clock(), method, chatId, status, description, retryAfter });
      respond(res, status, {
        ok: false,
        error_code: status,
        description,
        ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}),
      });
    };
    if (!match || match[1] !== this.token) {
      return fail(401, 'Unauthorized');
    }
    if (method !== 'sendMessage') {
      return fail(404, 'Not Found');
    }
    if (chatId === undefined || chatId === '') {
      return fail(400, 'Bad Request: chat_id is empty');
    }
    if (!this.chats.has(chatId)) {
      return fail(400, 'Bad Request: chat not found');
    }
    const text = typeof params.text === 'string' ? params.text : '';
    const parseMode = typeof params.parse_mode === 'string' ? params.parse_mode : undefined;
    let visibleText = text;
    if (parseMode?.toUpperCase() === 'HTML') {
      const parsed = parseTelegramHtml(text);
      if ('error' in parsed) {
        return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
      }
      visibleText = parsed.text;
    } else if (parseMode !== undefined) {
      return fail(400, `Bad Request: unsupported parse_mode in this fake: ${parseMode}`);
    }
    if (visibleText.trim() === '') {
      return fail(400, 'Bad Request: message text is empty');
    }
    if (visibleText.length > TEXT_LIMIT) {
      return fail(400, 'Bad Request: message is too long');
    }
    const wait = this.waitFor(chatId);
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      return fail(429, `Too Many Requests: retry after ${seconds}`, seconds);
    }
    const at = this.clock();
    const messageId = this.nextMessageId++;
    this.messages.push({ at, messageId, chatId, text, visibleText, parseMode });
    this.requests.push({ at, method, chatId, status: 200 });
    respond(res, 200, {
      ok: true,
      result: {
        message_id: messageId,
        date: Math.floor(at / 1000),
        chat: { id: Number(chatId), type: chatId.startsWith('-') ? 'supergroup' : 'private' },
        text: visibleText,
      },
    });
  }

  /** Milliseconds until this chat may take a message (0: now), by the per-chat and per-group limits. */
  private waitFor(chatId: string): number {
    const now = this.clock();
    const sent = this.messages.filter((message) => message.chatId === chatId).map((message) => message.at);
    let wait = 0;
    const last = sent.at(-1);
    if (last !== undefined && now - last < this.perChatIntervalMs) {
      wait = this.perChatIntervalMs - (now - last);
    }
    if (chatId.startsWith('-')) {
      const inMinute = sent.filter((at) => now - at < 60_000);
      if (inMinute.length >= this.groupPerMinute) {
        wait = Math.max(wait, inMinute[inMinute.length - this.groupPerMinute] + 60_000 - now);
      }
    }
    return wait;
  }
}

function parseBody(body: string, contentType: string): Record<string, unknown> {
  if (body.trim() === '') {
    return {};
  }
  if (contentType.includes('application/json')) {
    try {
      const parsed = JSON.parse(body) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function respond(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
