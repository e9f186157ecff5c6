import {
  ApiProblemResponses,
  CurrentPrincipal,
  decodeCursor,
  Idempotent,
  Roles,
  toPage,
  type Principal,
} from '@app/core';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RECONCILE_KINDS } from '../application/ports/bitrix24-reconcile-runs.port';
import { ReconcileRunsService } from '../application/reconcile-runs.service';
import {
  ReconcileRequestDto,
  ReconcileRunDto,
  ReconcileRunPageDto,
  ReconcileRunsQueryDto,
  toReconcileRunDto,
} from './dto/reconcile.dto';

@ApiTags('admin')
@Controller('api/v1/admin/reconcile')
@Roles('admin')
export class ReconcileController {
  constructor(private readonly runs: ReconcileRunsService) {}

  @Post(':kind')
  @HttpCode(202)
  @Idempotent()
  @ApiOperation({
    summary: 'Reconcile a kind of the mirror with Bitrix24 now',
    description:
      'Starts a run (answered at once, `running`); the worker compares the mirror with Bitrix24 by external id and ' +
      'field values, creates missing copies, writes drifted ones and deactivates orphans carrying our external id. ' +
      'A dry run only reports. One run of a kind at a time (409 while one runs).',
  })
  @ApiParam({ name: 'kind', enum: RECONCILE_KINDS })
  @ApiAcceptedResponse({ type: ReconcileRunDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async start(
    @Param('kind') kind: string,
    @Body() body: ReconcileRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReconcileRunDto> {
    return toReconcileRunDto(
      await this.runs.start(kind, {
        dryRun: body.dryRun ?? false,
        trigger: principal.subject,
        operator: principal.subject,
      }),
    );
  }

  @Get('runs')
  @ApiOperation({ summary: 'Reconcile runs with their reports, newest first' })
  @ApiOkResponse({ type: ReconcileRunPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: ReconcileRunsQueryDto): Promise<ReconcileRunPageDto> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor, { startedAt: 'timestamp', id: 'uuid' }) : undefined;
    const runs = await this.runs.list(limit, after);
    return toPage(runs, limit, toReconcileRunDto, (run) => ({
      startedAt: run.startedAt.toISOString(),
      id: run.id,
    })) as ReconcileRunPageDto;
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One reconcile run with its report' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ReconcileRunDto })
  @ApiProblemResponses(401, 403, 404)
  async get(@Param('id') id: string): Promise<ReconcileRunDto> {
    return toReconcileRunDto(await this.runs.get(id));
  }
}
