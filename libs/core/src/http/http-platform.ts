import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { REQUEST_ID_HEADER, RequestContext } from '../context/request-context';
import { renderClientError, renderFrameworkError } from '../errors/problem.filter';
import { createValidationPipe } from '../errors/validation';
import { MetricsService } from '../metrics/metrics.service';
import { installBodyParsers, RAW_STREAM_CONTENT_TYPE } from './body-parsers';
import { installRouteBodyLimits } from './body-limit';
import { installChosenStatus } from './chosen-status';
import { RAW_BODY_STREAM } from './raw-body';
import { setUpSwagger } from '../openapi/swagger';
import { incomingTraceContext, withIncomingTrace } from '../telemetry/trace-context';

const contextResource = Symbol('requestContextResource');

type ContextualRequest = FastifyRequest & { [contextResource]?: AsyncResource };

/**
 * Builds the API's Fastify-based Nest application with the platform concerns every route relies on: request ids,
 * the request context, body parsers (JSON and PHP-style forms with size and depth limits, raw streams), per-route
 * body limits, metrics, validation, and Swagger. Tests call this too, so they exercise exactly what production runs.
 */
export async function createHttpApplication(
  rootModule: Type<unknown>,
  config: AppConfig,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy && [...config.http.trustProxy],
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => RequestContext.acceptOrGenerate(request.headers[REQUEST_ID_HEADER]),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // 128, not Fastify's 100: an X-Request-Id may be that long, and the trace takes one as a path parameter.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 128 },
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: renderClientError,
  });
  installRequestContext(adapter.getInstance());
  installBodyParsers(adapter.getInstance());
  installRouteBodyLimits(adapter.getInstance(), config);
  installChosenStatus(adapter.getInstance());

  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  installResponseObservers(adapter.getInstance(), app.get(MetricsService), await app.resolve(PinoLogger));
  if (config.http.swaggerEnabled) {
    setUpSwagger(app);
  }
  return app;
}

/**
 * Opens the request context before anything else runs and re-enters it after body parsing: parsers finish on
 * stream callbacks whose async context is the socket's, not ours (the same technique as @fastify/request-context).
 */
function installRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: ContextualRequest, reply, done) => {
    const requestId = String(request.id);
    void reply.header(REQUEST_ID_HEADER, requestId);
    if (request.routeOptions.config?.[RAW_BODY_STREAM as keyof typeof request.routeOptions.config]) {
      request.headers['content-type'] = RAW_STREAM_CONTENT_TYPE;
    }
    // The trace context first (when the telemetry preload left it to us): the resource below keeps both stores.
    const traceContext = incomingTraceContext(request.headers, request.url);
    withIncomingTrace(traceContext, () =>
      RequestContext.run({ requestId, source: 'http' }, () => {
        const resource = new AsyncResource('mastermobile-request');
        request[contextResource] = resource;
        resource.runInAsyncScope(done, request.raw);
      }),
    );
  });
  fastify.addHook('preValidation', (request: ContextualRequest, _reply, done) => {
    const resource = request[contextResource];
    if (resource) {
      resource.runInAsyncScope(done, request.raw);
    } else {
      done();
    }
  });
}

/** One access-log line and one histogram sample per request, in the request's context so the line has its id. */
function installResponseObservers(fastify: FastifyInstance, metrics: MetricsService, pinoLogger: PinoLogger): void {
  // The access line's keys are the fixed ones below (and the mixin's ids): none is a secret key, nothing is nested, so
  // the redaction paths (dozens of wildcards, walked on every line) cannot match it. Its own logger skips them; every
  // other line keeps them. Derived again should the logger the application logs with change (tests start several).
  let parent: PinoLogger['logger'] | undefined;
  let accessLogger: PinoLogger['logger'] | undefined;
  const logger = (): PinoLogger['logger'] => {
    if (parent !== pinoLogger.logger || !accessLogger) {
      parent = pinoLogger.logger;
      accessLogger = parent.child({}, { redact: [] });
    }
    return accessLogger;
  };
  fastify.addHook('onResponse', (request: ContextualRequest, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status: String(status) },
      reply.elapsedTime / 1000,
    );
    const line = {
      method: request.method,
      route,
      path: request.url.split('?')[0],
      statusCode: status,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    const log = (): void => {
      if (status >= 500) {
        logger().error({ msg: 'request failed', ...line });
      } else if (status >= 400) {
        logger().warn({ msg: 'request rejected', ...line });
      } else {
        logger().info({ msg: 'request completed', ...line });
      }
    };
    const resource = request[contextResource];
    if (resource) {
      resource.runInAsyncScope(log);
    } else {
      log();
    }
    done();
  });
}
