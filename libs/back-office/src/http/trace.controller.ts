import { ApiProblemResponses, Roles, TRACE_ENTITY } from '@app/core';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TraceService } from '../application/trace.service';
import { TraceEntityQueryDto, TraceRequestParamDto, TraceTimelineDto, toTraceTimelineDto } from './dto/trace.dto';

@ApiTags('admin')
@Controller('api/v1/admin/trace')
@Roles('admin')
export class TraceController {
  constructor(private readonly trace: TraceService) {}

  @Get()
  @ApiOperation({
    summary: 'Everything that happened to one record, in time order, across requests',
    description:
      'Audit rows, collisions, outbox events of its subject with their deliveries, dead letters and the calls to 1C ' +
      'and Bitrix24 that carried them, inbound events and SLA deviations. 404 when nothing is known of the record.',
  })
  @ApiOkResponse({ type: TraceTimelineDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async byEntity(@Query() query: TraceEntityQueryDto): Promise<TraceTimelineDto> {
    // The DTO has matched the pattern, so both groups are there.
    const [, type, id] = TRACE_ENTITY.exec(query.entity)!;
    const entity = { type, id };
    return toTraceTimelineDto({ entity }, await this.trace.timeline({ entity }));
  }

  @Get(':requestId')
  @ApiOperation({
    summary: 'Everything one request caused, in time order',
    description:
      'The request (when it left an idempotency record), its audit rows and operator actions, the events it ' +
      'published and their deliveries and dead letters, inbound events it stored, and the calls to 1C and Bitrix24 ' +
      'made for it, by the API or later by the worker. 404 when no row carries the request id.',
  })
  @ApiOkResponse({ type: TraceTimelineDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async byRequest(@Param() { requestId }: TraceRequestParamDto): Promise<TraceTimelineDto> {
    return toTraceTimelineDto({ requestId }, await this.trace.timeline({ requestId }));
  }
}
