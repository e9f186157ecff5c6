import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../http/api-problem.decorator';
import { decodeCursor, Page, PageQueryDto, toPage } from '../http/pagination';
import { IsTimestamp } from '../http/timestamps';
import { IntegrationLogEntity } from './integration-log.entity';

export class IntegrationLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) requestId?: string;
  @ApiPropertyOptional({ example: 'bitrix24' }) @IsOptional() @IsString() @MaxLength(64) system?: string;
  @ApiPropertyOptional({ example: 'delivery' }) @IsOptional() @IsString() @MaxLength(64) entityType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) entityId?: string;
  @ApiPropertyOptional({ enum: ['success', 'failure'] }) @IsOptional() @IsIn(['success', 'failure']) outcome?: string;
  @ApiPropertyOptional({ description: 'Inclusive lower bound, RFC 3339 with an offset.', format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  from?: string;
  @ApiPropertyOptional({ description: 'Exclusive upper bound, RFC 3339 with an offset.', format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  to?: string;
}

export class IntegrationLogItemDto {
  @ApiProperty() id!: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction!: string;
  @ApiProperty() system!: string;
  @ApiProperty() operation!: string;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) requestId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) entityType!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) entityId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) httpMethod!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) url!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) httpStatus!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) requestBody!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) responseBody!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorCode!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorMessage!: string | null;
}

export class IntegrationLogPageDto implements Page<IntegrationLogItemDto> {
  @ApiProperty({ type: [IntegrationLogItemDto] }) items!: IntegrationLogItemDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

@ApiTags('admin')
@Controller('api/v1/admin/integration-log')
export class IntegrationLogController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Exchanges with 1C and Bitrix24, newest first' })
  @ApiOkResponse({ type: IntegrationLogPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: IntegrationLogQueryDto): Promise<IntegrationLogPageDto> {
    const limit = query.limit ?? 50;
    const builder = this.dataSource
      .getRepository(IntegrationLogEntity)
      .createQueryBuilder('log')
      .orderBy('log.id', 'DESC')
      .limit(limit + 1);
    const filters: [keyof IntegrationLogQueryDto, string][] = [
      ['requestId', 'log.requestId = :requestId'],
      ['system', 'log.system = :system'],
      ['entityType', 'log.entityType = :entityType'],
      ['entityId', 'log.entityId = :entityId'],
      ['outcome', 'log.outcome = :outcome'],
      ['from', 'log.occurredAt >= :from'],
      ['to', 'log.occurredAt < :to'],
    ];
    for (const [name, condition] of filters) {
      if (query[name] !== undefined) {
        builder.andWhere(condition, { [name]: query[name] });
      }
    }
    if (query.cursor) {
      const { id } = decodeCursor(query.cursor, { id: 'bigint' });
      builder.andWhere('log.id < :cursorId', { cursorId: id });
    }
    const rows = await builder.getMany();
    return toPage(
      rows,
      limit,
      (row) => ({ ...row, occurredAt: row.occurredAt.toISOString() }),
      (row) => ({ id: row.id }),
    ) as IntegrationLogPageDto;
  }
}
