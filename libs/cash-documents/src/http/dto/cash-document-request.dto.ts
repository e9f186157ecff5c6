import { IsTimestamp, Nested, NO_NUL, NO_NUL_MESSAGE, ONEC_ID, PageQueryDto } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { CASH_OPERATION_NAMES, type CashOperation, SETTLED_TYPES, type SettledType } from '../../domain/cash-document';
import { CASH_DOCUMENT_STATUSES, type CashDocumentStatus } from '../../domain/cash-document-status';

const MAX_ITEMS = 500;

/**
 * An amount arrives as a string and its rules (positive, two decimals, decimal(15,2)) answer 422 with the rule's
 * code, as every other rule of the document does; only a value that is not a string at all is a 400.
 */
function AmountText(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    MaxLength(40)(target, key);
    Matches(NO_NUL, { message: NO_NUL_MESSAGE })(target, key);
  };
}

function Text(max: number): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Matches(NO_NUL, { message: NO_NUL_MESSAGE })(target, key);
    MaxLength(max)(target, key);
  };
}

export class FiscalVatDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 12, description: 'Tag 1199: 11 is 22 %, 12 is 22/122.' })
  @IsInt()
  rateCode!: number;

  @ApiProperty({ example: '270.49' })
  @AmountText()
  amount!: string;
}

export class FiscalReceiptDto {
  @ApiProperty({ example: '7380440700123456', description: 'The fiscal drive (ФН), 16 digits.' })
  @Matches(/^\d{16}$/, { message: 'fiscalDriveNumber must be the 16 digits of the fiscal drive' })
  fiscalDriveNumber!: string;

  @ApiProperty({ example: '1234', description: 'The fiscal document number (ФД).' })
  @Matches(/^\d{1,10}$/, { message: 'documentNumber must be up to 10 digits' })
  documentNumber!: string;

  @ApiProperty({ example: '2718281828', description: 'The fiscal sign (ФП), up to 10 digits.' })
  @Matches(/^\d{1,10}$/, { message: 'fiscalSign must be up to 10 digits' })
  fiscalSign!: string;

  @ApiProperty({ format: 'date-time' })
  @IsTimestamp()
  printedAt!: string;

  @ApiProperty({ type: 'integer', example: 4, description: 'Tag 1214; cash taken at the handover of goods is 4.' })
  @IsInt()
  @Min(1)
  @Max(7)
  settlementMethod!: number;

  @ApiProperty({ type: [FiscalVatDto], maxItems: 12 })
  @ArrayMaxSize(12)
  @Nested(() => FiscalVatDto, { each: true })
  vat!: FiscalVatDto[];
}

export class SettlementDto {
  @ApiProperty({ enum: SETTLED_TYPES })
  @IsIn(SETTLED_TYPES)
  type!: SettledType;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: '1500.00', description: 'The part of the document that settles it.' })
  @AmountText()
  amount!: string;

  @ApiPropertyOptional({ type: FiscalReceiptDto, description: 'For cash taken from a customer.' })
  @IsOptional()
  @Nested(() => FiscalReceiptDto)
  fiscalReceipt?: FiscalReceiptDto;
}

export class ExpenseLineDto {
  @ApiProperty({ example: 'fuel', maxLength: 100 })
  @Text(100)
  @MinLength(1)
  category!: string;

  @ApiProperty({ example: '3200.00' })
  @AmountText()
  amount!: string;

  @ApiProperty({ format: 'date', example: '2026-12-05' })
  @IsISO8601({ strict: true }, { message: 'date must be a calendar date' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date!: string;

  @ApiProperty({ example: 'Чек АЗС № 118', maxLength: 200, description: 'The paper that proves it.' })
  @Text(200)
  @MinLength(1)
  documentRef!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Text(500)
  description?: string;
}

/** The fields every cash document has, whoever writes it. */
export class CashDocumentContentDto {
  @ApiProperty({ enum: CASH_OPERATION_NAMES, description: "1C's business operation; it decides the kind." })
  @IsIn(CASH_OPERATION_NAMES)
  operation!: CashOperation;

  @ApiPropertyOptional({ description: "The cash desk's 1C id; the courier's own (master data) when absent." })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'cashDeskId must be a 1C id' })
  cashDeskId?: string;

  @ApiPropertyOptional({ description: "The payer's or the payee's 1C id." })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'counterpartyId must be a 1C id' })
  counterpartyId?: string;

  @ApiProperty({ example: '1500.00', description: 'Positive roubles, two decimals at most, decimal(15,2).' })
  @AmountText()
  amount!: string;

  @ApiPropertyOptional({ maxLength: 250, description: "1C's `Основание`." })
  @IsOptional()
  @Text(250)
  purpose?: string;

  @ApiPropertyOptional({ maxLength: 200, description: "1C's `СтатьяДвиженияДенежныхСредств`." })
  @IsOptional()
  @Text(200)
  cashFlowItem?: string;

  @ApiPropertyOptional({ example: '270.49', description: 'The VAT the amount includes.' })
  @IsOptional()
  @AmountText()
  vatIncluded?: string;

  @ApiPropertyOptional({ type: [SettlementDto], maxItems: MAX_ITEMS })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS)
  @Nested(() => SettlementDto, { each: true })
  settles?: SettlementDto[];

  @ApiPropertyOptional({ format: 'uuid', description: 'The advance an advance report or a returned rest closes.' })
  @IsOptional()
  @IsUUID()
  advanceId?: string;

  @ApiPropertyOptional({ type: [ExpenseLineDto], maxItems: MAX_ITEMS })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS)
  @Nested(() => ExpenseLineDto, { each: true })
  lines?: ExpenseLineDto[];
}

export class CashDocumentRequestDto extends CashDocumentContentDto {
  @ApiPropertyOptional({ description: "An admin names the courier; a courier's token is its own." })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courierId must be a 1C id' })
  courierId?: string;

  @ApiPropertyOptional({
    example: '1800.00',
    description: "An advance report's unspent rest: a ПКО returning it is raised with the report.",
  })
  @IsOptional()
  @AmountText()
  unspent?: string;

  @ApiPropertyOptional({ default: true, description: 'False keeps the document a draft to submit later.' })
  @IsOptional()
  @IsBoolean()
  submit?: boolean;
}

/** A document 1C created, as 1C publishes it under its own id. */
export class OnecCashDocumentDto extends CashDocumentContentDto {
  @ApiProperty({ description: 'The accountable person: the courier’s 1C id.' })
  @Matches(ONEC_ID, { message: 'courierId must be a 1C id' })
  courierId!: string;

  @ApiProperty({ example: 'ЦБ-000117' })
  @Text(50)
  @MinLength(1)
  documentNumber!: string;

  @ApiProperty({ format: 'date', example: '2026-12-05' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'documentDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'documentDate must be a calendar date' })
  documentDate!: string;

  @ApiProperty({ description: 'Posted: the ledger follows it. Not posted (or no longer): it moves nothing.' })
  @IsBoolean()
  posted!: boolean;
}

export class CashDocumentIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class CourierIdParamDto {
  @ApiProperty({ description: "The courier's 1C id." })
  @Matches(ONEC_ID, { message: 'id must be a 1C id' })
  id!: string;
}

const ANSWERS = ['posted', 'rejected'] as const;

export class CashDocumentAckDto {
  @ApiProperty({ enum: ANSWERS })
  @IsIn(ANSWERS)
  outcome!: (typeof ANSWERS)[number];

  @ApiPropertyOptional({ example: 'ЦБ-000321', description: 'Posted: the number 1C gave the document.' })
  @IsOptional()
  @Text(50)
  @MinLength(1)
  documentNumber?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-12-05' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'documentDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'documentDate must be a calendar date' })
  documentDate?: string;

  @ApiPropertyOptional({ example: '1500.00', description: 'Posted: the amount 1C posted, where it differs.' })
  @IsOptional()
  @AmountText()
  amount?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Rejected: why, for the author.' })
  @IsOptional()
  @Text(500)
  @MinLength(1)
  reason?: string;
}

export class CashDocumentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CASH_DOCUMENT_STATUSES })
  @IsOptional()
  @IsIn(CASH_DOCUMENT_STATUSES)
  status?: CashDocumentStatus;

  @ApiPropertyOptional({ enum: CASH_OPERATION_NAMES })
  @IsOptional()
  @IsIn(CASH_OPERATION_NAMES)
  operation?: CashOperation;

  @ApiPropertyOptional({ description: 'A courier’s 1C id; a courier token sees its own documents only.' })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courier must be a 1C id' })
  courier?: string;

  @ApiPropertyOptional({ enum: SETTLED_TYPES, description: 'With `settles_id`: the documents that settle a record.' })
  @IsOptional()
  @IsIn(SETTLED_TYPES)
  settles_type?: SettledType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  settles_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' })
  @IsOptional()
  @IsTimestamp()
  created_from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before.' })
  @IsOptional()
  @IsTimestamp()
  created_to?: string;
}

export class BalancesQueryDto extends PageQueryDto {}
