import {
  ApiProblemResponses,
  csvReply,
  CurrentPrincipal,
  decodeCursor,
  Idempotent,
  type Principal,
  Roles,
  toPage,
  wantsCsv,
} from '@app/core';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DeviationsService } from '../application/deviations.service';
import { SLA_RULE_UNITS, SLA_RULES } from '../application/ports/sla-probe.port';
import { SlaMonitor } from '../application/sla-monitor';
import type { Deviation } from '../domain/deviation';
import {
  DeviationDto,
  DeviationIdParamDto,
  DeviationListQueryDto,
  DeviationPageDto,
  EvaluateSlaDto,
  ResolveDeviationDto,
  SlaEvaluationDto,
  toDeviationDto,
} from './dto/deviation.dto';
import { SlaReportDto, SlaReportQueryDto, toSlaReportCsv, toSlaReportDto } from './dto/sla-report.dto';

const DEVIATION_CURSOR = { firstSeen: 'timestamp', id: 'uuid' } as const;

const toDto = (deviation: Deviation) => toDeviationDto(deviation, SLA_RULE_UNITS[deviation.rule]);

@ApiTags('admin')
@Controller('api/v1/admin')
@Roles('admin')
export class SlaAdminController {
  constructor(
    private readonly deviations: DeviationsService,
    private readonly monitor: SlaMonitor,
  ) {}

  @Get('deviations')
  @ApiOperation({
    summary: 'SLA deviations, newest opened first, with a keyset cursor',
    description: 'One per breach of a rule by a subject, from the evaluation that found it to its resolution.',
  })
  @ApiOkResponse({ type: DeviationPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: DeviationListQueryDto): Promise<DeviationPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.deviations.list({
      status: query.status,
      rule: query.rule,
      severity: query.severity,
      courierId: query.courierId,
      subject: query.subject,
      openedFrom: query.opened_from === undefined ? undefined : new Date(query.opened_from),
      openedTo: query.opened_to === undefined ? undefined : new Date(query.opened_to),
      before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, DEVIATION_CURSOR),
      limit,
    });
    const page = toPage(rows, limit, toDto, (row) => ({ firstSeen: row.firstSeen.toISOString(), id: row.id }));
    return { items: [...page.items], ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  @Get('deviations/:id')
  @ApiOperation({ summary: 'One SLA deviation' })
  @ApiOkResponse({ type: DeviationDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async get(@Param() { id }: DeviationIdParamDto): Promise<DeviationDto> {
    return toDto(await this.deviations.get(id));
  }

  @Post('deviations/:id/resolve')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Resolve an open deviation by hand, with a comment',
    description:
      'Audited, and announced like a resolution by the monitor. The breach it was about does not reopen it while ' +
      'it lasts (same subject, same `since`); a new breach of the subject opens a new deviation. Resolving a ' +
      'resolved deviation is a 409.',
  })
  @ApiBody({ type: ResolveDeviationDto })
  @ApiOkResponse({ type: DeviationDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async resolve(
    @Param() { id }: DeviationIdParamDto,
    @Body() body: ResolveDeviationDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeviationDto> {
    return toDto(await this.deviations.resolve(id, body.comment, principal));
  }

  @Post('sla/evaluate')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Evaluate the SLA rules now ("check now")',
    description:
      'Every rule, or those named, as the scheduled evaluation does: deviations open, update and resolve, and ' +
      'their alerts go out. A rule whose probe this app does not run answers `no_probe`.',
  })
  @ApiBody({ type: EvaluateSlaDto, required: false })
  @ApiOkResponse({ type: SlaEvaluationDto })
  @ApiProblemResponses(400, 401, 403)
  async evaluate(@Body() body: EvaluateSlaDto = {}): Promise<SlaEvaluationDto> {
    const evaluation = await this.monitor.evaluate(body.rules ?? SLA_RULES);
    return { at: evaluation.at.toISOString(), rules: [...evaluation.rules] };
  }

  @Get('reports/sla')
  @ApiOperation({
    summary: 'The SLA report of a period, per rule and per courier (JSON, or CSV with `Accept: text/csv`)',
    description:
      'Per rule (every rule) and per courier (those with deviations): deviations opened in `[from, to)`, how ' +
      'many are resolved, the median and longest time from opening to resolution, and the percent of the period ' +
      'with no deviation open (docs/operations/sla-monitors.md).',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: SlaReportDto })
  @ApiProblemResponses(400, 401, 403, 422)
  async report(
    @Query() query: SlaReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SlaReportDto | string> {
    const report = await this.deviations.report(query);
    if (wantsCsv(accept)) {
      return csvReply(reply, 'sla', report.from, report.to, toSlaReportCsv(report));
    }
    return toSlaReportDto(report);
  }
}
