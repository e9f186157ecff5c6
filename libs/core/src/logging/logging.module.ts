import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { RequestContext } from '../context/request-context';
import { activeTraceIds } from '../telemetry/trace-context';
import { pinoRedactPaths } from './redaction';

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
        pinoHttp: {
          level: config.logging.level,
          base: { service: config.serviceName },
          redact: { paths: pinoRedactPaths(), censor: '[REDACTED]' },
          mixin: () => ({ requestId: RequestContext.requestId(), ...activeTraceIds() }),
        },
      }),
    }),
  ],
})
export class LoggingModule {}
