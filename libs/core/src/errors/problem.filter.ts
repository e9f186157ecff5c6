import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { RequestContext } from '../context/request-context';
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
    const { problem, headers, unexpected } = toProblem(error, request.url.split('?')[0], requestId);

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
