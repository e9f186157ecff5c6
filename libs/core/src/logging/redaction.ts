/** Keys whose values never reach a log line or a stored request/response body, at any depth we log. */
export const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'application_token',
  'sessid',
  'x-api-key',
] as const;

const SECRET_KEY_SET = new Set<string>(SECRET_KEYS);

/** pino redact paths for those keys, up to four levels deep (pino wildcards match one level each). */
export function pinoRedactPaths(): string[] {
  const parents = ['', '*', '*.*', '*.*.*'];
  const paths = SECRET_KEYS.flatMap((key) =>
    parents.flatMap((parent) => {
      if (/^[A-Za-z_$][\w$]*$/.test(key)) {
        return [parent ? `${parent}.${key}` : key];
      }
      return parent ? [`${parent}["${key}"]`] : [];
    }),
  );
  // Bitrix24 event bodies carry the shared secret and OAuth tokens under `auth`.
  return [...paths, 'auth', '*.auth', '*.*.auth'];
}

export function isSecretKey(key: string): boolean {
  const normalised = key.toLowerCase();
  return SECRET_KEY_SET.has(normalised) || normalised === 'auth' || /^auth\[/.test(normalised);
}

/**
 * Deep-copies a JSON-like value with secret keys replaced, for IntegrationLog bodies and error excerpts.
 * Cycles and exotic objects degrade to strings rather than throwing.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactSecrets(item, depth + 1));
  }
  if (Buffer.isBuffer(value)) {
    return `<${value.length} bytes>`;
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      isSecretKey(key) ? '[REDACTED]' : redactSecrets(item, depth + 1),
    ]),
  );
}

/**
 * Removes credentials from a URL: userinfo, secret query parameters, the secret path segment of a Bitrix24
 * incoming-webhook URL (`/rest/<user>/<secret>/method`), a Slack webhook's path and a Telegram bot token.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/\/[^@/]*@/, '//[REDACTED]@');
  }
  if (url.username || url.password) {
    url.username = '[REDACTED]';
    url.password = '';
  }
  for (const key of [...url.searchParams.keys()]) {
    if (isSecretKey(key) || key === 'auth' || key === 'client_secret' || key === 'refresh_token') {
      url.searchParams.set(key, '[REDACTED]');
    }
  }
  url.pathname = url.pathname
    .replace(/\/rest\/(\d+)\/[^/]+\//, '/rest/$1/[REDACTED]/')
    // A Slack incoming webhook is its URL; a Telegram bot's token sits in the path of every Bot API call.
    .replace(/\/services\/[^/]+\/[^/]+\/[^/]+/, '/services/[REDACTED]')
    .replace(/\/bot\d+:[^/]+/, '/bot[REDACTED]');
  return url.toString();
}

/**
 * Redacts a body held as text: JSON is redacted structurally, form-encoded text parameter by parameter
 * (Bitrix24 posts `auth[application_token]=…`), other text line by line where a line is `key=value` (1C's exchange
 * answers `sessid=…` on a line of its own).
 */
export function redactText(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redactSecrets(JSON.parse(text)));
    } catch {
      return text;
    }
  }
  if (/^[^\s=&]+=[^\s]*$/.test(trimmed)) {
    const params = new URLSearchParams(text);
    for (const key of [...params.keys()]) {
      if (isSecretKey(key) || /\[(access_token|refresh_token|application_token|client_secret)\]$/i.test(key)) {
        params.set(key, '[REDACTED]');
      }
    }
    return params.toString();
  }
  return text.replace(/^([^\s=&]+)=.*$/gm, (line, key: string) => (isSecretKey(key) ? `${key}=[REDACTED]` : line));
}
