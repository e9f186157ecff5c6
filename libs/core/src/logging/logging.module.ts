import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { AppConfig } from '../config/app-config';
import { RequestContext } from '../context/request-context';
import { activeTraceIds } from '../telemetry/trace-context';
import { pinoRedactPaths } from './redaction';

/**
 * TypeORM's `QueryFailedError` and the pg driver's `DatabaseError` it wraps carry the statement's bound values
 * (`parameters`) and PostgreSQL's DETAIL line, which quotes row values ("Key (login)=(…) already exists", "Failing
 * row contains (…)"): either may hold a token or a password. The query text, the SQLSTATE code and the message stay.
 */
const DATABASE_ERROR_TYPES = new Set(['QueryFailedError', 'DatabaseError']);
const DATABASE_ERROR_DATA = ['parameters', 'detail'] as const;

type SerializedError = Record<string, unknown>;

/**
 * pino-http hands this the error already serialised by pino's standard serializer (nested errors such as
 * `driverError` serialised alike), so it only has to drop what a database error holds of the data.
 */
function withoutQueryData(error: SerializedError, depth = 0): SerializedError {
  if (DATABASE_ERROR_TYPES.has(error.type as string)) {
    for (const key of DATABASE_ERROR_DATA) {
      delete error[key];
    }
  }
  if (depth < 4) {
    for (const value of Object.values(error)) {
      for (const nested of Array.isArray(value) ? value : [value]) {
        if (typeof nested === 'object' && nested !== null) {
          withoutQueryData(nested as SerializedError, depth + 1);
        }
      }
    }
  }
  return error;
}

/** The pino-http options every process logs with; exported so tests can point them at a captured stream. */
export function loggerOptions(config: AppConfig): Options {
  return {
    level: config.logging.level,
    base: { service: config.serviceName },
    redact: { paths: pinoRedactPaths(), censor: '[REDACTED]' },
    serializers: { err: withoutQueryData },
    mixin: () => ({ requestId: RequestContext.requestId(), ...activeTraceIds() }),
  };
}

let destination: (DestinationStream & { flushSync(): void }) | undefined;

/**
 * Standard output, written asynchronously: a synchronous write per line was a syscall on the request's own time (an
 * access line per request: a tenth of the courier's status door's CPU in bench:http). Lines written while one write
 * is in flight go out together in the next. pino flushes what is left synchronously when the process exits, and
 * {@link LogFlush} when the application shuts down; one process-wide stream, as standard output is one.
 */
function logDestination(): DestinationStream & { flushSync(): void } {
  destination ??= pino.destination({ dest: 1, sync: false });
  return destination;
}

/** Writes the lines still buffered once the application has shut down, before the process goes. */
@Injectable()
class LogFlush implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    try {
      destination?.flushSync();
    } catch {
      // Not open yet (nothing was logged) or closed: nothing is buffered.
    }
  }
}

/**
 * JSON logs through pino. Every line carries the request id and trace id of the unit of work it belongs to (an
 * HTTP request, a job, a scheduled task), read from the request context by the mixin.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Request logging happens in a Fastify onResponse hook (see http-platform.ts): pino-http's middleware
        // would listen on a response wrapper that never emits 'finish' under the Fastify adapter.
        forRoutes: [],
        pinoHttp: [loggerOptions(config), logDestination()],
      }),
    }),
  ],
  providers: [LogFlush],
})
export class LoggingModule {}
