import { Public, RateLimited, RawBodyStream } from '@app/core';
import { applyDecorators, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { AppConfig } from '@app/core';
import { encodeReply } from './exchange-reply';
import { EXCHANGE_MODES, EXCHANGE_TYPES, ExchangeRequest, ExchangeService } from './exchange.service';

/** Our path, and 1C-Bitrix's, so an exchange node set up for a Bitrix site only needs the host changed. */
export const EXCHANGE_PATHS = ['api/v1/exchange/1c', 'bitrix/admin/1c_exchange.php'] as const;

const PROTOCOL_DESCRIPTION =
  '1C\'s CommerceML 2 "exchange with a site" protocol (as 1C-Bitrix implements it). Always HTTP 200: a plain-text ' +
  'status whose first line is `success`, `progress` or `failure` (then the reason), `zip=`/`file_limit=` lines on ' +
  '`init`, or the orders as CommerceML XML on `sale/query`. `checkauth` takes HTTP Basic credentials of the ' +
  'exchange account and answers the session cookie and `sessid`; later calls send the cookie (or Basic again). ' +
  'See docs/integrations/1c.md.';

/** Query parameters and replies of the exchange, the same on both paths. */
function ExchangeCall(method: 'GET' | 'POST', path: string): MethodDecorator {
  const alias = path.startsWith('bitrix') ? ' (1C-Bitrix path)' : '';
  return applyDecorators(
    HttpCode(200),
    ApiOperation({
      summary:
        method === 'GET'
          ? `CommerceML exchange call from 1C (checkauth, init, import, query, success, …)${alias}`
          : `CommerceML exchange upload from 1C (mode=file: the raw bytes of one part)${alias}`,
    }),
    ApiQuery({ name: 'type', enum: [...EXCHANGE_TYPES] }),
    ApiQuery({ name: 'mode', enum: [...EXCHANGE_MODES] }),
    ApiQuery({
      name: 'filename',
      required: false,
      type: String,
      description: 'For `file` and `import`: a relative path; parts of one file are appended.',
    }),
    ApiQuery({
      name: 'sessid',
      required: false,
      type: String,
      description: 'Line 4 of the `checkauth` reply, echoed by 1C.',
    }),
    ApiQuery({ name: 'version', required: false, type: String, description: 'CommerceML version 1C offers.' }),
    ApiProduces('text/plain', 'application/xml'),
    ApiOkResponse({ description: PROTOCOL_DESCRIPTION, schema: { type: 'string' } }),
  );
}

@ApiTags('1c-exchange')
@Public()
@RateLimited('onec-exchange')
@Controller()
export class ExchangeController {
  constructor(
    private readonly exchange: ExchangeService,
    private readonly config: AppConfig,
  ) {}

  @Get(EXCHANGE_PATHS[0])
  @ExchangeCall('GET', EXCHANGE_PATHS[0])
  async get(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.respond(request, reply, undefined);
  }

  @Post(EXCHANGE_PATHS[0])
  @RawBodyStream()
  @ExchangeCall('POST', EXCHANGE_PATHS[0])
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.respond(request, reply, request.body as Readable);
  }

  @Get(EXCHANGE_PATHS[1])
  @ExchangeCall('GET', EXCHANGE_PATHS[1])
  async getOnBitrixPath(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.respond(request, reply, undefined);
  }

  @Post(EXCHANGE_PATHS[1])
  @RawBodyStream()
  @ExchangeCall('POST', EXCHANGE_PATHS[1])
  async postOnBitrixPath(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.respond(request, reply, request.body as Readable);
  }

  private async respond(request: FastifyRequest, reply: FastifyReply, body: Readable | undefined): Promise<void> {
    const query = Object.fromEntries(
      Object.entries((request.query ?? {}) as Record<string, unknown>).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined,
      ]),
    );
    const contentLength = Number(request.headers['content-length']);
    const exchangeRequest: ExchangeRequest = {
      method: request.method,
      query,
      caller: {
        authorization: request.headers.authorization,
        cookie: request.headers.cookie,
        remoteAddress: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
        sessid: query.sessid,
      },
      body,
      contentLength: Number.isFinite(contentLength) ? contentLength : undefined,
      url: `${request.protocol}://${request.host}${request.url}`,
    };
    const response = await this.exchange.handle(exchangeRequest);
    const encoded = encodeReply(response.reply, this.config.onec.exchange.encoding);
    void reply.code(200).header('content-type', encoded.contentType).header('cache-control', 'no-store');
    if (response.setCookie) {
      void reply.header('set-cookie', response.setCookie);
    }
    if (response.closeConnection) {
      void reply.header('connection', 'close');
    }
    await reply.send(encoded.body);
  }
}
