import { IsTimestamp, NO_NUL, NO_NUL_MESSAGE, ONEC_ID, PageQueryDto } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { SLA_RULES, type SlaRuleId } from '../../application/ports/sla-probe.port';
import { DEVIATION_STATUSES, type Deviation, type DeviationStatus } from '../../domain/deviation';
import { SLA_SEVERITIES, type SlaSeverity } from '../../domain/sla-rules';

export class DeviationIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class DeviationListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DEVIATION_STATUSES })
  @IsOptional()
  @IsIn(DEVIATION_STATUSES)
  status?: DeviationStatus;

  @ApiPropertyOptional({ enum: SLA_RULES })
  @IsOptional()
  @IsIn(SLA_RULES)
  rule?: SlaRuleId;

  @ApiPropertyOptional({ enum: SLA_SEVERITIES })
  @IsOptional()
  @IsIn(SLA_SEVERITIES)
  severity?: SlaSeverity;

  @ApiPropertyOptional({ description: 'A courier’s 1C id.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courierId must be a 1C id' })
  courierId?: string;

  @ApiPropertyOptional({ description: 'What is in breach within its rule, e.g. `dead-letters:onec`.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  subject?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Opened at or after.' })
  @IsOptional()
  @IsTimestamp()
  opened_from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Opened before.' })
  @IsOptional()
  @IsTimestamp()
  opened_to?: string;
}

export class ResolveDeviationDto {
  @ApiProperty({ maxLength: 1000, description: 'Why it is closed by hand: kept with it and in the audit trail.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  comment!: string;
}

export class EvaluateSlaDto {
  @ApiPropertyOptional({ enum: SLA_RULES, isArray: true, description: 'The rules to evaluate; every rule if absent.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SLA_RULES.length)
  @IsIn(SLA_RULES, { each: true })
  rules?: SlaRuleId[];
}

export class DeviationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SLA_RULES }) rule!: string;
  @ApiProperty({ example: 'dead-letters:onec' }) subject!: string;
  @ApiProperty({ description: 'Who or what, as an operator reads it.' }) label!: string;
  @ApiProperty({ nullable: true, type: 'string' }) courierId!: string | null;
  @ApiProperty({ enum: SLA_SEVERITIES }) severity!: string;
  @ApiProperty({ enum: DEVIATION_STATUSES }) status!: string;
  @ApiProperty({ description: "The last value seen, in the rule's unit.", example: '17.5' }) value!: string;
  @ApiProperty({ description: 'The limit it broke, in the same unit.', example: '15' }) threshold!: string;
  @ApiProperty({ enum: ['hours', 'minutes', 'days', 'roubles'] }) unit!: string;
  @ApiProperty({ format: 'date-time', description: 'Since when the condition holds.' }) since!: string;
  @ApiProperty({ format: 'date-time', description: 'The evaluation that opened it.' }) firstSeen!: string;
  @ApiProperty({ format: 'date-time', description: 'The last evaluation that saw it.' }) lastSeen!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: 'string' }) resolvedAt!: string | null;
  @ApiProperty({ enum: ['monitor', 'admin'], nullable: true, type: 'string' }) resolvedBy!: string | null;
  @ApiProperty({ nullable: true, type: 'string', description: 'The operator’s, when resolved by hand.' })
  comment!: string | null;
  @ApiProperty({ description: 'The API path of what to look at.' }) link!: string;
}

export class DeviationPageDto {
  @ApiProperty({ type: [DeviationDto] }) items!: DeviationDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class RuleEvaluationDto {
  @ApiProperty({ enum: SLA_RULES }) rule!: string;
  @ApiProperty({ enum: ['evaluated', 'disabled', 'no_probe'] }) outcome!: string;
  @ApiProperty() breaches!: number;
  @ApiProperty() opened!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() resolved!: number;
}

export class SlaEvaluationDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [RuleEvaluationDto] }) rules!: RuleEvaluationDto[];
}

export const toDeviationDto = (deviation: Deviation, unit: string): DeviationDto => ({
  ...deviation,
  unit,
  since: deviation.since.toISOString(),
  firstSeen: deviation.firstSeen.toISOString(),
  lastSeen: deviation.lastSeen.toISOString(),
  resolvedAt: deviation.resolvedAt?.toISOString() ?? null,
});
