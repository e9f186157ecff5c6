import { Bitrix24Error, classifyRestError, errorFields } from './bitrix24-error';
import type { TimeBlock } from './operating-budget';

export interface BatchCommand {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

export type CommandResult =
  | {
      readonly ok: true;
      readonly result: unknown;
      readonly total?: number;
      readonly next?: number;
      readonly time?: TimeBlock;
    }
  | { readonly ok: false; readonly error: Bitrix24Error };

/** PHP serialises an empty array as `[]` and a numerically keyed one as a list (protocol doc §2.5). */
function asMap(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((item, index) => [String(index), item]));
  }
  return {};
}

/**
 * Attributes a `batch` answer to its commands. Errors keyed by command name are attributed directly; an un-keyed
 * error list (numeric command names, or a portal that drops the keys) is matched to the failed commands in
 * command order, which is the order the portal runs and reports them in. A command with neither a result nor an
 * error did not run (`halt=1`); it is reported as not executed.
 */
export function parseBatchResult(
  names: readonly string[],
  commands: ReadonlyMap<string, BatchCommand>,
  body: unknown,
): Map<string, CommandResult> {
  const envelope = asMap(asMap(body).result);
  const results = asMap(envelope.result);
  const rawErrors = envelope.result_error;
  const errors = asMap(rawErrors);
  const totals = asMap(envelope.result_total);
  const nexts = asMap(envelope.result_next);
  const times = asMap(envelope.result_time);
  const out = new Map<string, CommandResult>();
  // A list has lost its keys (an empty one is just PHP's empty array).
  const keyedErrors = !Array.isArray(rawErrors);
  const unkeyed = keyedErrors ? [] : (rawErrors as unknown[]);
  const failed = names.filter((name) => !Object.hasOwn(results, name) && !(keyedErrors && Object.hasOwn(errors, name)));
  const attributable = !keyedErrors && unkeyed.length === failed.length;

  for (const name of names) {
    const method = commands.get(name)?.method ?? 'batch';
    if (Object.hasOwn(results, name)) {
      out.set(name, {
        ok: true,
        result: results[name],
        total: numberOr(totals[name]),
        next: numberOr(nexts[name]),
        time: times[name] as TimeBlock | undefined,
      });
      continue;
    }
    if (keyedErrors && Object.hasOwn(errors, name)) {
      out.set(name, { ok: false, error: commandError(method, errors[name]) });
      continue;
    }
    if (attributable) {
      out.set(name, { ok: false, error: commandError(method, unkeyed[failed.indexOf(name)]) });
      continue;
    }
    if (unkeyed.length > 0) {
      out.set(name, { ok: false, error: ambiguousError(method, unkeyed) });
      continue;
    }
    out.set(name, {
      ok: false,
      error: new Bitrix24Error(
        'transient',
        'BITRIX24_BATCH_NOT_RUN',
        `${method}: the batch stopped before this command`,
        {
          method,
          outcome: 'rejected',
        },
      ),
    });
  }
  return out;
}

function commandError(method: string, raw: unknown): Bitrix24Error {
  const fields = errorFields(raw) ?? { code: '', description: 'unknown error' };
  // Inside a batch there is no HTTP status per command; the portal's code decides, a 400 stands for "refused".
  return classifyRestError(400, fields.code, fields.description, {
    method,
    responseExcerpt: JSON.stringify(raw).slice(0, 500),
    outcome: 'rejected',
  });
}

/**
 * More errors than failed commands (or fewer): which command failed how cannot be known. Each failed command gets
 * every description, and the most hopeful category among them, so a retryable failure is never dead-lettered.
 */
function ambiguousError(method: string, raw: unknown[]): Bitrix24Error {
  const classified = raw.map((item) => commandError(method, item));
  const order = ['rate_limited', 'transient', 'auth', 'unavailable', 'permanent'] as const;
  const best = [...classified].sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category))[0];
  return new Bitrix24Error(
    best.category,
    best.code,
    `${method}: one of: ${classified.map((error) => error.message).join(' | ')}`.slice(0, 1_000),
    { method, outcome: 'rejected', retryAt: best.retryAt, bitrixCode: best.bitrixCode },
  );
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : undefined;
}
