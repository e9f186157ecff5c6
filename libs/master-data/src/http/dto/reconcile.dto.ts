import { PageQueryDto } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import {
  RECONCILE_KINDS,
  type ReconcileRun,
  type ReconcileSample,
} from '../../application/ports/bitrix24-reconcile-runs.port';
import { PROJECTION_FIELDS } from '../../domain/bitrix24-projection';

export class ReconcileRequestDto {
  @ApiPropertyOptional({
    description: 'Only report what differs: nothing is written to Bitrix24 or to the mirror.',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class ReconcileRunsQueryDto extends PageQueryDto {}

export class ReconcileDifferenceDto {
  @ApiProperty({ enum: Object.keys(PROJECTION_FIELDS), description: 'Our field name (the mapping file maps it).' })
  field!: string;
  @ApiProperty({ description: "The mirror's value, as compared (decimals without trailing zeros, flags Y/N)." })
  mirror!: string;
  @ApiProperty({ description: "Bitrix24's value, as compared." })
  bitrix!: string;
}

export class ReconcileSampleDto {
  @ApiProperty({ description: 'The 1C id, which the Bitrix24 copy carries as its external id.' })
  externalId!: string;
  @ApiProperty({ enum: ['product', 'company', 'contact'] }) bitrixKind!: string;
  @ApiPropertyOptional() bitrixId?: string;
  @ApiPropertyOptional({ type: [ReconcileDifferenceDto] }) differences?: ReconcileDifferenceDto[];
  @ApiPropertyOptional() error?: string;
}

export class ReconcileCountsDto {
  @ApiProperty({ description: 'Copies that matched the mirror (and inactive entities without a copy).' }) ok!: number;
  @ApiProperty({ description: 'Copies missing in Bitrix24, created.' }) created!: number;
  @ApiProperty({ description: "Copies that differed, written the mirror's values." }) updated!: number;
  @ApiProperty({ description: 'Active copies of entities deleted in 1C, or orphans carrying our id: deactivated.' })
  deactivated!: number;
  @ApiProperty({ description: 'Entities whose repair failed; the run went on.' }) failed!: number;
}

export class ReconcileSamplesDto {
  @ApiProperty({ type: [ReconcileSampleDto] }) ok!: ReconcileSampleDto[];
  @ApiProperty({ type: [ReconcileSampleDto] }) created!: ReconcileSampleDto[];
  @ApiProperty({ type: [ReconcileSampleDto] }) updated!: ReconcileSampleDto[];
  @ApiProperty({ type: [ReconcileSampleDto] }) deactivated!: ReconcileSampleDto[];
  @ApiProperty({ type: [ReconcileSampleDto] }) failed!: ReconcileSampleDto[];
}

export class ReconcileRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RECONCILE_KINDS }) kind!: string;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ description: '`schedule`, or the admin who started the run.' }) trigger!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty({ type: ReconcileCountsDto, description: 'So far, while running.' }) counts!: ReconcileCountsDto;
  @ApiProperty({ type: ReconcileSamplesDto, description: 'Up to 10 entities per outcome.' })
  samples!: ReconcileSamplesDto;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why the run stopped, when it failed.' })
  error!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
}

export class ReconcileRunPageDto {
  @ApiProperty({ type: [ReconcileRunDto] }) items!: ReconcileRunDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export function toReconcileRunDto(run: ReconcileRun): ReconcileRunDto {
  return {
    ...run,
    samples: run.samples as Record<keyof ReconcileSamplesDto, ReconcileSample[]> as ReconcileSamplesDto,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
