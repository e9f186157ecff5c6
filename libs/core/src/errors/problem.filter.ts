import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { REQUEST_ID_HEADER, RequestContext } from '../context/request-context';
import { blameRequestInput, requestValues } from './database-input-error';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** The single place where a thrown error becomes an HTTP answer: RFC 9457 problem+json, never a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(ProblemFilter.name);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      throw error;
    }
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const requestId = RequestContext.requestId() ?? String(request.id);
    const blamed = blameRequestInput(error, () => requestValues(request));
    if (blamed) {
      // A 400 rather than a 500, but still worth seeing: it means a validator let the value through.
      this.logger.warn(
        { sqlstate: blamed.sqlstate, parameter: blamed.path, requestId },
        'PostgreSQL refused a request value (SQLSTATE %s) while serving %s %s',
        blamed.sqlstate,
        request.method,
        request.routeOptions.url ?? request.url.split('?')[0],
      );
    }
    const { problem, headers, unexpected } = toProblem(blamed?.error ?? error, request.url.split('?')[0], requestId);

    if (unexpected) {
      this.logger.error({ err: error, requestId }, 'Unhandled error while serving %s %s', request.method, request.url);
    } else if (problem.status >= 500) {
      this.logger.warn(
        { err: error, requestId },
        'Dependency failure while serving %s %s',
        request.method,
        request.url,
      );
    }
    if (reply.sent) {
      return;
    }
    void reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

/**
 * Fastify's `frameworkErrors` hook: a URL that is not valid percent-encoding, or a path parameter over the router's
 * length limit, is refused by the router before any Nest code runs, and would otherwise get Fastify's own JSON.
 */
export function renderFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const { problem, headers } = toProblem(error, undefined, String(request.id));
  void reply
    .code(problem.status)
    .headers({ ...headers, [REQUEST_ID_HEADER]: String(request.id) })
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem));
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refuses a request before Fastify sees it (headers or URL over
 * Node's 16 KB limit, a malformed request line, a client too slow), and Fastify's default answers it in its own JSON.
 * There is no request, hence no request id: the problem says what went wrong and the connection is closed, as the
 * parser cannot find where the next request would begin.
 */
export function renderClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431
      ? 'The request line or headers exceed the size limit.'
      : status === 408
        ? 'The request took too long to arrive.'
        : 'The request is not valid HTTP/1.1.';
  const { problem } = toProblem(Object.assign(new Error(detail), { statusCode: status }), undefined, undefined);
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
