import { ApiProblemResponses, PageQueryDto, Roles } from '@app/core';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { KIND_NAME } from '../kinds/entity-kinds';
import { UnhandledInboundChanges } from './unhandled-changes';

export class UnhandledChangeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'delivery', description: 'Only changes of this entity kind.' })
  @IsOptional()
  @Matches(KIND_NAME)
  kind?: string;
}

export class UnhandledChangeDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'delivery', description: 'The entity kind no domain module handles (yet).' }) kind!: string;
  @ApiPropertyOptional({ description: 'Our id, absent for an entity created in Bitrix24.' }) externalId?: string;
  @ApiProperty() bitrixId!: string;
  @ApiPropertyOptional({ type: 'integer' }) entityTypeId?: number;
  @ApiProperty() deleted!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Our field names, as the portal holds them.',
  })
  fields!: Record<string, unknown>;
  @ApiPropertyOptional({ description: "Our status for the item's stage." }) status?: string;
  @ApiPropertyOptional({ format: 'date-time' }) remoteUpdatedAt?: string;
  @ApiProperty({ enum: ['webhook', 'offline', 'reconcile'] }) source!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class UnhandledChangePageDto {
  @ApiProperty({ type: [UnhandledChangeDto] }) items!: UnhandledChangeDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

@ApiTags('admin')
@Controller('api/v1/admin/bitrix24/unhandled-changes')
@Roles('admin')
export class Bitrix24UnhandledChangesController {
  constructor(private readonly changes: UnhandledInboundChanges) {}

  @Get()
  @ApiOperation({
    summary: 'Changes made in Bitrix24 to an entity kind no domain module handles, newest first (kept, never dropped)',
  })
  @ApiOkResponse({ type: UnhandledChangePageDto })
  @ApiProblemResponses(400, 401, 403)
  list(@Query() query: UnhandledChangeQueryDto): Promise<UnhandledChangePageDto> {
    return this.changes.list({ kind: query.kind }, query.cursor, query.limit ?? 50) as Promise<UnhandledChangePageDto>;
  }
}
