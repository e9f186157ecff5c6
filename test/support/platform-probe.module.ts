import { Readable } from 'node:stream';
import {
  AppError,
  CurrentPrincipal,
  Idempotent,
  IntegrationLogService,
  Principal,
  Public,
  RawBodyStream,
  RequestContext,
  Roles,
  UnitOfWork,
} from '@app/core';
import { Body, Controller, Get, HttpCode, Module, Param, Post, Query, Req } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, MinLength, ValidateNested } from 'class-validator';
import type { FastifyRequest } from 'fastify';

class ProbeLineDto {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}

export class ProbeOrderDto {
  @IsString() @MinLength(1) reference!: string;
  @IsOptional() @IsInt() delayMs?: number;
  @IsOptional() @IsString() fail?: 'not_found' | 'internal' | 'validation';
  @IsOptional() @ValidateNested({ each: true }) @Type(() => ProbeLineDto) lines?: ProbeLineDto[];
}

export class ProbeBatchQueryDto {
  @IsOptional() @IsString() priority?: string;
}

/** Counts handler executions so tests can prove "exactly once" from the outside. */
export const probeExecutions = { count: 0 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Routes the platform tests drive over HTTP. Writes go to `probe_writes`, a table the tests create in their own
 * database, so rollback and replay are observable in PostgreSQL.
 */
@Controller('test')
export class PlatformProbeController {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly integrationLog: IntegrationLogService,
  ) {}

  @Post('orders')
  @Roles('admin', '1c', 'courier')
  @Idempotent()
  async createOrder(@Body() body: ProbeOrderDto, @CurrentPrincipal() principal: Principal) {
    probeExecutions.count += 1;
    const [row] = await this.unitOfWork.manager.query<{ id: number }[]>(
      'INSERT INTO probe_writes (reference, principal) VALUES ($1, $2) RETURNING id',
      [body.reference, principal.subject],
    );
    if (body.delayMs) {
      await sleep(body.delayMs);
    }
    if (body.fail === 'not_found') {
      throw new AppError('PROBE_NOT_FOUND', 'not_found', 'Probe target not found', { detail: body.reference });
    }
    if (body.fail === 'internal') {
      throw new Error('database exploded: password=hunter2');
    }
    return { id: row.id, reference: body.reference, execution: probeExecutions.count };
  }

  /** An idempotent write addressed by a path parameter (like `/dead-letters/:id/replay`) and a query option. */
  @Post('batches/:batch/orders')
  @Roles('admin')
  @Idempotent()
  async createBatchOrder(
    @Param('batch') batch: string,
    @Query() query: ProbeBatchQueryDto,
    @Body() body: ProbeOrderDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const [row] = await this.unitOfWork.manager.query<{ id: number }[]>(
      'INSERT INTO probe_writes (reference, principal) VALUES ($1, $2) RETURNING id',
      [`${batch}:${body.reference}`, principal.subject],
    );
    return { id: row.id, batch, reference: body.reference, priority: query.priority ?? null };
  }

  @Post('validate')
  @HttpCode(200)
  @Roles('admin')
  validate(@Body() body: ProbeOrderDto) {
    return body;
  }

  @Get('context')
  @Roles('admin')
  async context() {
    await sleep(5);
    await this.integrationLog.record({
      direction: 'outbound',
      system: 'probe',
      operation: 'probe.context',
      outcome: 'success',
      requestBody: { password: 'hunter2', nested: { access_token: 'abc' }, visible: 'yes' },
      url: 'https://portal.example/rest/1/webhooksecret/crm.item.add?auth=abc',
    });
    return { requestId: RequestContext.requestId() };
  }

  @Get('boom')
  @Roles('admin')
  boom(): never {
    throw new Error('connection to 10.0.0.5 refused; secret=abc');
  }

  @Get('admin-only')
  @Roles('admin')
  adminOnly(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Get('courier-only')
  @Roles('courier')
  courierOnly(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Get('undeclared')
  undeclared() {
    return { reachable: true };
  }

  /** The client address the app believes, after TRUST_PROXY has had its say over X-Forwarded-For. */
  @Get('ip')
  @Public()
  clientAddress(@Req() request: FastifyRequest) {
    return { ip: request.ip };
  }

  @Get('public')
  @Public()
  publicRoute(@Query('echo') echo?: string) {
    return { echo: echo ?? null };
  }

  @Post('form')
  @HttpCode(200)
  @Public()
  form(@Req() request: FastifyRequest) {
    return request.body;
  }

  @Post('raw')
  @HttpCode(200)
  @Public()
  @RawBodyStream()
  async raw(@Req() request: FastifyRequest) {
    let bytes = 0;
    for await (const chunk of request.body as Readable) {
      bytes += (chunk as Buffer).length;
    }
    return { bytes, contentType: request.headers['content-type'] };
  }
}

@Module({ controllers: [PlatformProbeController] })
export class PlatformProbeModule {}

export const PROBE_TABLE_DDL = `CREATE TABLE IF NOT EXISTS probe_writes (
  id serial PRIMARY KEY, reference text NOT NULL, principal text NOT NULL, created_at timestamptz DEFAULT now())`;
