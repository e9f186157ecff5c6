import iconv from 'iconv-lite';
import type { OnecReplyEncoding } from '../onec.config';

/** What the exchange endpoint answers: a status text (`success`/`progress`/`failure` + lines) or an XML document. */
export type ExchangeReply =
  { readonly kind: 'status'; readonly lines: readonly string[] } | { readonly kind: 'xml'; readonly body: Buffer };

export const ExchangeReply = {
  success: (...lines: string[]): ExchangeReply => ({ kind: 'status', lines: ['success', ...lines] }),
  progress: (...lines: string[]): ExchangeReply => ({ kind: 'status', lines: ['progress', ...lines] }),
  failure: (reason: string): ExchangeReply => ({ kind: 'status', lines: ['failure', reason] }),
  /** Lines without a status word: `init` answers `zip=…` and `file_limit=…`. */
  lines: (...lines: string[]): ExchangeReply => ({ kind: 'status', lines }),
  xml: (body: Buffer): ExchangeReply => ({ kind: 'xml', body }),
};

export interface EncodedReply {
  readonly contentType: string;
  readonly body: Buffer;
}

/**
 * Encodes a reply the way 1C reads it: lines joined by `\n`, in the configured charset (1C-Bitrix answers in
 * windows-1251, and 1C accepts UTF-8 from other sites). Line breaks inside a line would shift 1C's reading of
 * the following lines, so they become spaces.
 */
export function encodeReply(reply: ExchangeReply, encoding: OnecReplyEncoding): EncodedReply {
  if (reply.kind === 'xml') {
    return { contentType: `application/xml; charset=${encoding}`, body: reply.body };
  }
  const text = reply.lines.map((line) => line.replace(/[\r\n]+/g, ' ')).join('\n');
  return {
    contentType: `text/plain; charset=${encoding}`,
    body: encoding === 'windows-1251' ? iconv.encode(text, 'win1251') : Buffer.from(text, 'utf8'),
  };
}
