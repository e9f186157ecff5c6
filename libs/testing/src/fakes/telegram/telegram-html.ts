/** The tags `parse_mode: HTML` accepts (Bot API, "HTML style"). */
const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'a',
  'code',
  'pre',
  'tg-spoiler',
  'span',
  'tg-emoji',
  'blockquote',
]);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * The text a user sees after Telegram parses `parse_mode: HTML`, or the error the Bot API gives ("can't parse
 * entities: …") for markup it refuses: an unsupported or unclosed tag, a stray `<` or `&`.
 */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  let text = '';
  const open: string[] = [];
  let i = 0;
  while (i < html.length) {
    const char = html[i];
    if (char === '<') {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:="[^"]*"|='[^']*')?)*)\s*>/.exec(html.slice(i));
      if (!tag) {
        return { error: `Can't find end of the entity starting at byte offset ${i}` };
      }
      const [whole, closing, rawName] = tag;
      const name = rawName.toLowerCase();
      if (!TAGS.has(name)) {
        return { error: `Unsupported start tag "${name}" at byte offset ${i}` };
      }
      if (closing) {
        if (open.pop() !== name) {
          return { error: `Unmatched end tag at byte offset ${i}, expected "</${open.at(-1) ?? ''}>"` };
        }
      } else {
        open.push(name);
      }
      i += whole.length;
      continue;
    }
    if (char === '&') {
      const entity = /^&(lt|gt|amp|quot|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/.exec(html.slice(i));
      if (!entity) {
        return { error: `Character '&' is reserved and must be escaped at byte offset ${i}` };
      }
      text += entity[2]
        ? String.fromCodePoint(Number(entity[2]))
        : entity[3]
          ? String.fromCodePoint(parseInt(entity[3], 16))
          : ENTITIES[entity[1]];
      i += entity[0].length;
      continue;
    }
    if (char === '>') {
      return { error: `Character '>' is reserved and must be escaped at byte offset ${i}` };
    }
    text += char;
    i += 1;
  }
  if (open.length > 0) {
    return { error: `Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  }
  return { text };
}
