import type { FastifyInstance } from 'fastify';
import { parse as parseQueryString } from 'qs';
import { AppError } from '../errors/app-error';

/** What a raw-stream route's content type is rewritten to, so that only the pass-through parser matches it. */
export const RAW_STREAM_CONTENT_TYPE = 'application/x-mastermobile-raw-stream';

/**
 * How deep a request body may nest objects and arrays, the body itself being level 1, whatever its encoding.
 * Everything after the parser (idempotency fingerprints, validation, inbox storage) recurses over the value, so
 * deeper input is refused while parsing, before a stack can overflow.
 */
export const MAX_BODY_DEPTH = 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether JSON text nests arrays and objects deeper than `limit`: one pass over the characters outside strings,
 * without building anything. Exact for valid JSON; invalid JSON may be miscounted, and the parser refuses it next.
 */
export function nestsDeeperThan(json: string, limit: number): boolean {
  let depth = 0;
  for (let index = 0; index < json.length; index++) {
    const char = json.charCodeAt(index);
    if (char === QUOTE) {
      // Skip the string in a tight loop of its own: most of a large body is strings.
      for (index++; index < json.length; index++) {
        const inner = json.charCodeAt(index);
        if (inner === BACKSLASH) {
          index++;
        } else if (inner === QUOTE) {
          break;
        }
      }
    } else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      depth++;
      if (depth > limit) {
        return true;
      }
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

function tooComplex(detail: string): AppError {
  return new AppError('BODY_TOO_COMPLEX', 'invalid_input', 'Request body too complex', { detail });
}

/**
 * A PHP-style form body (Bitrix24 posts bracket keys: auth[application_token]=…), rebuilt into the nested object PHP
 * would see. Each bracket opens one level below the body's own, hence depth MAX_BODY_DEPTH - 1. Anything over the
 * limits is a BODY_TOO_COMPLEX AppError, never another error.
 */
export function parseFormBody(text: string): Record<string, unknown> {
  try {
    return parseQueryString(text, {
      depth: MAX_BODY_DEPTH - 1,
      strictDepth: true,
      parameterLimit: 2_000,
      throwOnLimitExceeded: true,
      arrayLimit: 200,
    });
  } catch {
    throw tooComplex(
      `The form body nests keys more than ${MAX_BODY_DEPTH} levels deep, or has too many parameters or list items.`,
    );
  }
}

/**
 * JSON with a nesting limit (then Fastify's own parser: `__proto__` and `constructor.prototype` keys refused),
 * PHP-style forms with the same limit, and the pass-through for raw-stream routes.
 */
export function installBodyParsers(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    nestsDeeperThan(body as string, MAX_BODY_DEPTH)
      ? done(tooComplex(`The JSON body nests objects or arrays more than ${MAX_BODY_DEPTH} levels deep.`), undefined)
      : parseJson(request, body as string, done),
  );

  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseFormBody(body as string));
    } catch (error) {
      done(error as AppError, undefined);
    }
  });
  fastify.addContentTypeParser(RAW_STREAM_CONTENT_TYPE, (_request, payload, done) => done(null, payload));
}
