import {
  ApiProblemResponses,
  CurrentPrincipal,
  Idempotent,
  IsTimestamp,
  PageQueryDto,
  Principal,
  Roles,
} from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  IntersectionType,
} from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DESTINATION_PATTERN } from '../cloud-event';
import { DeadLetterService } from './dead-letter.service';

class DeadLetterFilterDto {
  @ApiPropertyOptional({ example: 'bitrix24' }) @IsOptional() @Matches(DESTINATION_PATTERN) destination?: string;
  @ApiPropertyOptional({ example: 'mastermobile.delivery.status_changed.v1' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) subject?: string;
  @ApiPropertyOptional({ description: 'Last failure at or after, RFC 3339 with an offset.', format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  from?: string;
  @ApiPropertyOptional({ description: 'Last failure before, RFC 3339 with an offset.', format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  to?: string;
}

export class DeadLetterQueryDto extends IntersectionType(PageQueryDto, DeadLetterFilterDto) {
  @ApiPropertyOptional({ enum: ['open', 'replayed', 'discarded'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'replayed', 'discarded'])
  status?: 'open' | 'replayed' | 'discarded';
}

export class ReplayRequestDto {
  @ApiPropertyOptional({ description: 'Why the event is being replayed (what was fixed).', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class BulkReplayRequestDto extends DeadLetterFilterDto {
  @ApiProperty({ description: 'Why these events are being replayed (what was fixed).', maxLength: 1000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}

class DeadLetterErrorDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() httpStatus?: number;
  @ApiPropertyOptional({ description: 'What the other side answered, secrets removed.' }) responseExcerpt?: string;
}

export class DeadLetterDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() destination!: string;
  @ApiProperty() type!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ enum: ['open', 'replayed', 'discarded'] }) status!: string;
  @ApiProperty({ enum: ['permanent', 'exhausted', 'stalled'] }) reason!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) firstFailedAt!: string;
  @ApiProperty({ format: 'date-time' }) lastFailedAt!: string;
  @ApiProperty({ type: DeadLetterErrorDto }) error!: DeadLetterErrorDto;
  @ApiProperty({
    description: 'The CloudEvents envelope as it was queued.',
    type: 'object',
    additionalProperties: true,
  })
  envelope!: unknown;
  @ApiPropertyOptional({ format: 'date-time' }) resolvedAt?: string;
  @ApiPropertyOptional() resolvedBy?: string;
  @ApiPropertyOptional() resolution?: string;
}

export class DeadLetterPageDto {
  @ApiProperty({ type: [DeadLetterDto] }) items!: DeadLetterDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class BulkReplayResultDto {
  @ApiProperty() replayed!: number;
  @ApiProperty({ type: [String] }) ids!: string[];
}

export class DiscardQueryDto {
  @ApiProperty({ description: 'Why it is discarded; kept in the audit log.', maxLength: 1000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}

@ApiTags('admin')
@Controller('api/v1/admin/dead-letters')
@Roles('admin')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterService) {}

  @Get()
  @ApiOperation({ summary: 'Dead letters, newest first (open ones unless `status` says otherwise)' })
  @ApiOkResponse({ type: DeadLetterPageDto })
  @ApiProblemResponses(400, 401, 403)
  list(@Query() query: DeadLetterQueryDto): Promise<DeadLetterPageDto> {
    const { cursor, limit, status, ...filter } = query;
    return this.deadLetters.list(
      { ...filter, status: status ?? 'open' },
      cursor,
      limit ?? 50,
    ) as Promise<DeadLetterPageDto>;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter with its envelope and last error' })
  @ApiOkResponse({ type: DeadLetterDto })
  @ApiProblemResponses(401, 403, 404)
  get(@Param('id') id: string): Promise<DeadLetterDto> {
    return this.deadLetters.get(id);
  }

  @Post('replay')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Replay every open dead letter matching the filter (at most 1000 per call)' })
  @ApiOkResponse({ type: BulkReplayResultDto })
  @ApiProblemResponses(400, 401, 403)
  replayMatching(
    @Body() body: BulkReplayRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BulkReplayResultDto> {
    const { reason, ...filter } = body;
    return this.deadLetters.replayMatching(filter, principal.subject, reason);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Send the event to its destination again (after fixing the cause)' })
  @ApiOkResponse({ type: DeadLetterDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  replay(
    @Param('id') id: string,
    @Body() body: ReplayRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeadLetterDto> {
    return this.deadLetters.replay(id, principal.subject, body.reason);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Discard the event for good; events queued behind it for the same subject flow again' })
  @ApiOkResponse({ type: DeadLetterDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  discard(
    @Param('id') id: string,
    @Query() query: DiscardQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeadLetterDto> {
    return this.deadLetters.discard(id, principal.subject, query.reason);
  }
}
