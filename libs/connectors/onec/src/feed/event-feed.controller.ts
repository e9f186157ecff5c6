import { ApiProblemResponses, CurrentPrincipal, PageQueryDto, Principal, Roles } from '@app/core';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ONEC_DESTINATION } from '../onec-destination';
import { EventFeedService } from './event-feed.service';

export class FeedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Comma-separated event types to include, e.g. `mastermobile.delivery.completed.v1`.',
    type: String,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((type) => type.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  types?: string[];
}

export class FeedEventDto {
  @ApiProperty({ example: '1.0' }) specversion!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ example: 'mastermobile.delivery.completed.v1' }) type!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ format: 'date-time' }) time!: string;
  @ApiProperty({ example: 'application/json' }) datacontenttype!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: unknown;
  @ApiProperty({ example: ONEC_DESTINATION }) destination!: string;
  @ApiPropertyOptional() entityversion?: number;
  @ApiPropertyOptional() requestid?: string;
  @ApiPropertyOptional() traceparent?: string;
}

export class FeedPageDto {
  @ApiProperty({ type: [FeedEventDto] }) events!: FeedEventDto[];
  @ApiProperty({ description: 'Pass as `cursor` to read on; acknowledge it once the events are processed.' })
  nextCursor!: string;
}

export class FeedAckDto {
  @ApiProperty({ description: 'A `nextCursor` returned by GET /api/v1/events.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  cursor!: string;
}

export class FeedAckResultDto {
  @ApiProperty({ description: 'The acknowledged position now stored (never moves backwards).' }) cursor!: string;
}

@ApiTags('events')
@Controller('api/v1/events')
@Roles('1c')
export class EventFeedController {
  constructor(private readonly feed: EventFeedService) {}

  @Get()
  @ApiOperation({
    summary: 'Events for 1C, in commit order',
    description:
      'Without `cursor` the feed resumes after the last acknowledged position, so unacknowledged events are ' +
      'served again. With `cursor` it continues after that position; a cursor beyond what this consumer was ' +
      'served is a 409.',
  })
  @ApiOkResponse({ type: FeedPageDto })
  @ApiProblemResponses(400, 401, 403, 409)
  read(@Query() query: FeedQueryDto, @CurrentPrincipal() principal: Principal): Promise<FeedPageDto> {
    return this.feed.read(principal.subject, ONEC_DESTINATION, query.cursor, query.limit ?? 100, query.types);
  }

  /**
   * Idempotent by construction (the stored cursor only moves forward), so it needs no Idempotency-Key: 1C can
   * simply repeat the call after a timeout.
   */
  @Post('ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge processing up to a cursor (idempotent; the cursor never moves backwards)',
    description: 'Only a position this consumer was served can be acknowledged; a cursor beyond it is a 409.',
  })
  @ApiOkResponse({ type: FeedAckResultDto })
  @ApiProblemResponses(400, 401, 403, 409)
  ack(@Body() body: FeedAckDto, @CurrentPrincipal() principal: Principal): Promise<FeedAckResultDto> {
    return this.feed.acknowledge(principal.subject, ONEC_DESTINATION, body.cursor);
  }
}
