import type { Origin } from '../events/event-hub';
import type { OperatingBudget } from '../limits';
import { PhpArray } from '../php-array';
import { timeBlock, type TimeBlock } from '../portal-time';
import { intParam, isRecord, stringParam } from '../php-values';
import { parseQueryString, type Params } from '../request-params';
import { RestError, restErrors } from '../rest-error';
import type { AuthKind } from '../types';
import type { InstalledApplication, MethodTable, Portal } from './method-table';

export interface Caller {
  kind: AuthKind;
  userId: number;
  /** `auth_connector` sent with the credentials (protocol doc §6.2). */
  connector: string;
  /** OAuth callers only: the application the access token was issued to. */
  application?: InstalledApplication;
}

export interface CallOutcome {
  status: number;
  body: unknown;
}

interface Invocation {
  result: unknown;
  total?: number;
  next?: number;
  time: TimeBlock;
}

const MAX_BATCH_COMMANDS = 50;
const REFERENCE = /\$result\[([^\]]*)\]((?:\[[^\]]*\])*)/g;

/** Runs REST methods with the operating budget around them, and `batch` on top of that. */
export class Dispatcher {
  constructor(
    private readonly portal: Portal,
    private readonly methods: MethodTable,
    private readonly budget: OperatingBudget,
    private readonly processingSec: (method: string) => number,
    private readonly clock: () => number,
    private readonly offsetMinutes: number,
  ) {}

  execute(method: string, params: Params, caller: Caller, startMs: number): CallOutcome {
    try {
      if (method === 'batch') {
        return { status: 200, body: this.batch(params, caller, startMs) };
      }
      const { result, total, next, time } = this.invoke(method, params, caller, startMs);
      // Envelope key order of the recorded answers: result, next, total, time.
      return {
        status: 200,
        body: { result, ...(next === undefined ? {} : { next }), ...(total === undefined ? {} : { total }), time },
      };
    } catch (error) {
      if (error instanceof RestError) {
        return { status: error.status, body: error.toBody() };
      }
      throw error;
    }
  }

  private invoke(method: string, params: Params, caller: Caller, startMs: number): Invocation {
    const definition = Object.hasOwn(this.methods, method) ? this.methods[method] : undefined;
    if (!definition) {
      throw restErrors.methodNotFound();
    }
    if (definition.appOnly && caller.kind !== 'oauth') {
      throw restErrors.wrongAuthType();
    }
    const key = `${caller.kind}:${method}`;
    if (this.budget.isBlocked(key)) {
      throw restErrors.operationTimeLimit();
    }
    const processing = this.processingSec(method);
    const origin: Origin = { kind: caller.kind, userId: caller.userId, connector: caller.connector };
    try {
      const outcome = definition.handler(params, {
        authKind: caller.kind,
        origin,
        portal: this.portal,
        application: caller.application,
      });
      this.budget.charge(key, processing);
      return { ...outcome, time: timeBlock(startMs, processing, this.budget.snapshot(key), this.offsetMinutes) };
    } catch (error) {
      // A failed call still burnt its processing time.
      this.budget.charge(key, processing);
      throw error;
    }
  }

  /**
   * `batch` answers 200 even when commands fail. Its five maps are PHP arrays, so numeric command keys can
   * collapse them into lists (protocol doc §2.5). The outer call is charged to `batch` and each command to its own
   * method, because the docs and the SDK maintainers' measurements disagree (protocol doc §2.2).
   */
  private batch(params: Params, caller: Caller, startMs: number): unknown {
    const key = `${caller.kind}:batch`;
    if (this.budget.isBlocked(key)) {
      throw restErrors.operationTimeLimit();
    }
    const commands: Array<[string, unknown]> = Array.isArray(params.cmd)
      ? params.cmd.map((command, index) => [String(index), command])
      : isRecord(params.cmd)
        ? Object.entries(params.cmd)
        : [];
    if (commands.length > MAX_BATCH_COMMANDS) {
      throw new RestError(400, 'ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded');
    }
    const halt = intParam(params.halt) === 1;
    const results = new PhpArray();
    const errors = new PhpArray();
    const totals = new PhpArray();
    const nexts = new PhpArray();
    const times = new PhpArray<TimeBlock>();
    let processing = 0;
    for (const [name, command] of commands) {
      try {
        const { method, params: commandParams } = parseCommand(stringParam(command), results);
        if (method === 'batch') {
          throw new RestError(405, 'ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage');
        }
        const outcome = this.invoke(method, commandParams, caller, this.clock());
        results.set(name, outcome.result);
        if (outcome.total !== undefined) {
          totals.set(name, outcome.total);
        }
        if (outcome.next !== undefined) {
          nexts.set(name, outcome.next);
        }
        times.set(name, outcome.time);
        processing += outcome.time.processing;
      } catch (error) {
        if (!(error instanceof RestError)) {
          throw error;
        }
        errors.set(name, error.toBody());
        if (halt) {
          break;
        }
      }
    }
    this.budget.charge(key, processing);
    return {
      result: { result: results, result_error: errors, result_total: totals, result_next: nexts, result_time: times },
      time: timeBlock(startMs, processing, this.budget.snapshot(key), this.offsetMinutes),
    };
  }
}

/** `method?query` with `$result[cmd][path…]` references to earlier commands' results substituted. */
function parseCommand(command: string, results: PhpArray): { method: string; params: Params } {
  const separator = command.indexOf('?');
  const rawMethod = separator < 0 ? command : command.slice(0, separator);
  const params = parseQueryString(separator < 0 ? '' : command.slice(separator + 1));
  return {
    method: rawMethod
      .replace(/^\//, '')
      .replace(/\.json$/, '')
      .toLowerCase(),
    params: substitute(params, results) as Params,
  };
}

function substitute(value: unknown, results: PhpArray): unknown {
  if (typeof value === 'string') {
    const whole = new RegExp(`^${REFERENCE.source}$`).exec(value);
    if (whole) {
      return lookup(results, whole[1], whole[2]);
    }
    return value.replace(REFERENCE, (_, name: string, path: string) => {
      const found = lookup(results, name, path);
      return typeof found === 'string' || typeof found === 'number' ? String(found) : '';
    });
  }
  if (Array.isArray(value)) {
    return value.map((item) => substitute(item, results));
  }
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, results)]));
  }
  return value;
}

// A reference to a missing command or path resolves to an empty value, as the portal's substitution does.
function lookup(results: PhpArray, name: string, path: string): unknown {
  let current: unknown = results.get(name);
  for (const [, segment] of path.matchAll(/\[([^\]]*)\]/g)) {
    if (Array.isArray(current)) {
      current = current[Number(segment)];
    } else if (isRecord(current)) {
      current = current[segment];
    } else {
      return '';
    }
  }
  return current ?? '';
}
