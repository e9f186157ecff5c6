import { TRACE_ENTITY, TRACE_ENTRY_KINDS, TRACE_REQUEST_ID, type TraceEntry, type TraceEntryKind } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { TraceTimeline } from '../../application/trace.service';

export class TraceRequestParamDto {
  @ApiProperty({ description: 'An X-Request-Id as the middleware accepts it.', pattern: TRACE_REQUEST_ID.source })
  @IsString()
  @Matches(TRACE_REQUEST_ID, { message: 'requestId must be 1 to 128 of A-Z a-z 0-9 . _ : -' })
  requestId!: string;
}

export class TraceEntityQueryDto {
  @ApiProperty({
    description: 'A record as `<type>:<id>`, e.g. `delivery:<id>`, `instant_order:<id>`, `return:<id>`.',
    example: 'delivery:5d1c7a00-0000-4000-8000-000000001003',
    pattern: TRACE_ENTITY.source,
  })
  @IsString()
  @Matches(TRACE_ENTITY, { message: 'entity must be <type>:<id>, the type in snake_case' })
  entity!: string;
}

export class TraceEntityDto {
  @ApiProperty({ example: 'delivery' }) type!: string;
  @ApiProperty() id!: string;
}

export class TraceEntryDto {
  @ApiProperty({ description: 'Unique in the timeline: the table and the row.' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: TRACE_ENTRY_KINDS }) kind!: TraceEntryKind;
  @ApiProperty({ description: 'The lib the entry comes from.', example: 'events' }) source!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiPropertyOptional({ type: TraceEntityDto }) entity?: TraceEntityDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'A few identifying fields of the row; never bodies, payloads or secrets.',
  })
  details!: Record<string, unknown>;
}

export class TraceTimelineDto {
  @ApiPropertyOptional({ description: 'The request id asked for.' }) requestId?: string;
  @ApiPropertyOptional({ type: TraceEntityDto, description: 'The record asked for.' }) entity?: TraceEntityDto;
  @ApiProperty({ type: [TraceEntryDto], description: 'Earliest first.' }) entries!: TraceEntryDto[];
  @ApiProperty({ description: 'More entries exist than the limit; the earliest are shown.' }) truncated!: boolean;
  @ApiProperty({ example: 1000 }) limit!: number;
}

export function toTraceEntryDto(entry: TraceEntry): TraceEntryDto {
  return {
    id: entry.id,
    at: entry.at,
    kind: entry.kind,
    source: entry.source,
    summary: entry.summary,
    requestId: entry.requestId,
    ...(entry.entity ? { entity: { type: entry.entity.type, id: entry.entity.id } } : {}),
    details: entry.details,
  };
}

export function toTraceTimelineDto(
  asked: { requestId: string } | { entity: TraceEntityDto },
  timeline: TraceTimeline,
): TraceTimelineDto {
  return {
    ...asked,
    entries: timeline.entries.map(toTraceEntryDto),
    truncated: timeline.truncated,
    limit: timeline.limit,
  };
}
