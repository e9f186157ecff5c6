import {
  answerReport,
  ReportNegotiation,
  type ReportRequest,
  ReportPeriodQueryDto,
  ReportRoute,
  Roles,
  type TabularReport,
} from '@app/core';
import { Controller, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import type { CollisionReportRow } from '../application/collisions.port';
import { CollisionsService } from '../application/collisions.service';
import { COLLISION_DECISIONS, type CollisionDecision } from '../domain/collision';

export class CollisionReportRowDto implements CollisionReportRow {
  @ApiProperty({ example: 'deliveries' }) domain!: string;
  @ApiProperty({ example: 'content' }) field!: string;
  @ApiProperty({ enum: COLLISION_DECISIONS, nullable: true, description: 'Null: opened in the period, open now.' })
  decision!: CollisionDecision | null;
  @ApiProperty({ description: 'Opened in the period.' }) opened!: number;
  @ApiProperty({ description: 'Resolved in the period (whenever opened).' }) resolved!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median seconds from opening to resolution.' })
  timeToResolveMedianSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '95th percentile of the same.' })
  timeToResolveP95Seconds!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Longest of the same.' })
  timeToResolveMaxSeconds!: number | null;
}

const COLUMNS = [
  'domain',
  'field',
  'decision',
  'opened',
  'resolved',
  'timeToResolveMedianSeconds',
  'timeToResolveP95Seconds',
  'timeToResolveMaxSeconds',
] as const satisfies readonly (keyof CollisionReportRow)[];

@ApiTags('admin')
@Controller('api/v1/admin/reports')
@Roles('admin')
export class CollisionReportsController {
  constructor(private readonly collisions: CollisionsService) {}

  @ReportRoute('collisions', {
    summary: 'Collisions opened and resolved, per domain, field and decision',
    description:
      'Collisions opened in the period (a line with a null decision for those open now) and resolved in it, per ' +
      'domain, field and decision, with the median, 95th percentile and longest time from opening to resolution of ' +
      'those resolved in the period.',
    row: CollisionReportRowDto,
  })
  async report(
    @Query() query: ReportPeriodQueryDto,
    @ReportNegotiation() request: ReportRequest,
  ): Promise<TabularReport<CollisionReportRow> | string> {
    const report = await this.collisions.report(query);
    return answerReport(request, { name: 'collisions', ...report }, COLUMNS);
  }
}
