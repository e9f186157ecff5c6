import { Nested } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { MONEY, QUANTITY } from '../../domain/decimal';
import { VAT_RATES, type VatRate } from '../../domain/vat-rate';
import {
  IsCurrencyCode,
  IsDecimalString,
  IsInn,
  IsKpp,
  IsOfferId,
  IsOnecGuid,
  IsUnitId,
  OKEI_CODE,
  WEIGHT,
} from './field.validators';

// The content of each kind as the JSON API reads and writes it: one class per kind, whose fields are those of the
// kind's data (domain/mirror-records.ts) under the same names. An item of `PUT /api/v1/master-data/{kind}` is its
// 1C id and version plus these fields; a row of the reads is our bookkeeping plus these fields. On input an absent
// optional field is null (or an empty list); rows always carry every field.

const NAME = 500;
const TEXT = 10_000;
const SHORT = 100;
const LIST = 100;

export class ProductGroupFieldsDto {
  @ApiProperty({ maxLength: NAME, example: 'Напитки', description: '`Группа/Наименование`' })
  @IsString()
  @MinLength(1)
  @MaxLength(NAME)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The enclosing group (GUID); null at the top.' })
  @IsOptional()
  @IsOnecGuid()
  parentId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  description?: string | null;
}

export class UnitFieldsDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '796', description: 'OKEI code (`Код`).' })
  @IsOptional()
  @Matches(OKEI_CODE, { message: 'code must be an OKEI code of 3-4 digits' })
  code?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'шт', description: '`НаименованиеКраткое`' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Штука', description: '`НаименованиеПолное`' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME)
  fullName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'PCE', description: '`МеждународноеСокращение`' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  internationalAbbreviation?: string | null;
}

export class PropertyChoiceDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: "The value's GUID (`ИдЗначения`)." })
  @IsOptional()
  @IsOnecGuid()
  id?: string | null;

  @ApiProperty({ maxLength: NAME, example: 'Красный' })
  @IsString()
  @MaxLength(NAME)
  value!: string;
}

export class PropertyFieldsDto {
  @ApiProperty({ maxLength: NAME, example: 'Цвет' })
  @IsString()
  @MinLength(1)
  @MaxLength(NAME)
  name!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Справочник',
    description: '`ТипЗначений` as 1C names it: `Строка`, `Число`, `Справочник`, …',
  })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  valueType?: string | null;

  @ApiPropertyOptional({ default: false, description: '`Множественное`: a product may carry several values.' })
  @IsOptional()
  @IsBoolean()
  multiple?: boolean;

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: '`ДляТоваров`' })
  @IsOptional()
  @IsBoolean()
  forProducts?: boolean | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: '`ДляПредложений`' })
  @IsOptional()
  @IsBoolean()
  forOffers?: boolean | null;

  @ApiPropertyOptional({ type: [PropertyChoiceDto], maxItems: 1000, description: 'The choices of a `Справочник`.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @Nested(() => PropertyChoiceDto, { each: true })
  values?: PropertyChoiceDto[];
}

export class PriceTypeFieldsDto {
  @ApiProperty({ maxLength: NAME, example: 'Розничная' })
  @IsString()
  @MinLength(1)
  @MaxLength(NAME)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'RUB', description: 'ISO 4217 code.' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'Whether the prices include VAT.' })
  @IsOptional()
  @IsBoolean()
  vatIncluded?: boolean | null;
}

export class WarehouseFieldsDto {
  @ApiProperty({ maxLength: NAME, example: 'Основной склад' })
  @IsString()
  @MinLength(1)
  @MaxLength(NAME)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME })
  @IsOptional()
  @IsString()
  @MaxLength(NAME)
  address?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  comment?: string | null;
}

export class ProductCharacteristicDto {
  @ApiProperty({ maxLength: NAME, example: 'Цвет' })
  @IsString()
  @MaxLength(NAME)
  name!: string;

  @ApiProperty({ maxLength: NAME, example: 'красный' })
  @IsString()
  @MaxLength(NAME)
  value!: string;
}

export class ProductPropertyDto {
  @ApiProperty({ description: 'The property (GUID).' })
  @IsOnecGuid()
  propertyId!: string;

  @ApiProperty({ type: [String], maxItems: LIST, description: "Values, or the GUIDs of a `Справочник`'s choices." })
  @IsArray()
  @ArrayMaxSize(LIST)
  @IsString({ each: true })
  @MaxLength(NAME, { each: true })
  values!: string[];
}

export class ProductFieldsDto {
  @ApiProperty({ maxLength: NAME, example: 'Вода питьевая 0,5 л' })
  @IsString()
  @MinLength(1)
  @MaxLength(NAME)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  fullName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: SHORT, example: 'ВД-05' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  article?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: SHORT, description: "1C's code (`Код`)." })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  code?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: LIST, example: ['4600000000017'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(64, { each: true })
  barcodes?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The base unit: its GUID or OKEI code.' })
  @IsOptional()
  @IsUnitId()
  unitId?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: LIST, description: 'The groups (GUIDs).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST)
  @IsOnecGuid({ each: true })
  groupIds?: string[];

  @ApiPropertyOptional({
    type: String,
    enum: VAT_RATES,
    nullable: true,
    description: 'VAT rate: 22 % from 2026; `without` is «Без НДС», not 0 %; `22/122`, `10/110`: included rates.',
  })
  @IsOptional()
  @IsIn(VAT_RATES)
  vatRate?: VatRate | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  description?: string | null;

  @ApiPropertyOptional({
    type: [ProductCharacteristicDto],
    maxItems: LIST,
    description: "A variant's characteristics.",
  })
  @IsOptional()
  @ArrayMaxSize(LIST)
  @Nested(() => ProductCharacteristicDto, { each: true })
  characteristics?: ProductCharacteristicDto[];

  @ApiPropertyOptional({ type: [ProductPropertyDto], maxItems: LIST })
  @IsOptional()
  @ArrayMaxSize(LIST)
  @Nested(() => ProductPropertyDto, { each: true })
  properties?: ProductPropertyDto[];

  @ApiPropertyOptional({ type: String, nullable: true, example: '0.520', description: 'Kilograms, 3 decimals.' })
  @IsOptional()
  @IsDecimalString(WEIGHT)
  weight?: string | null;
}

export class PriceFieldsDto {
  @ApiProperty({ description: 'The offer: a product GUID, or `<product>#<characteristic>` for a variant.' })
  @IsOfferId()
  productId!: string;

  @ApiProperty({ description: 'The price type (GUID).' })
  @IsOnecGuid()
  priceTypeId!: string;

  @ApiProperty({ example: '1719.50', description: 'Per unit, a decimal string: non-negative, up to 2 decimals.' })
  @IsDecimalString(MONEY)
  price!: string;

  @ApiPropertyOptional({ example: 'RUB', default: 'RUB', description: 'ISO 4217 code.' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'шт', description: 'The unit the price is for.' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  unit?: string | null;
}

export class StockFieldsDto {
  @ApiProperty({ description: 'The offer: a product GUID, or `<product>#<characteristic>` for a variant.' })
  @IsOfferId()
  productId!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The warehouse (GUID); null for a total over every warehouse.',
  })
  @IsOptional()
  @IsOnecGuid()
  warehouseId?: string | null;

  @ApiProperty({ example: '12.500', description: 'A decimal string, up to 3 decimals; may be negative.' })
  @IsDecimalString(QUANTITY)
  quantity!: string;
}

export class CounterpartyAddressDto {
  @ApiProperty({ maxLength: SHORT, example: 'Юридический адрес' })
  @IsString()
  @MaxLength(SHORT)
  type!: string;

  @ApiProperty({ maxLength: NAME, example: '123456, Москва, ул. Ленина, 1' })
  @IsString()
  @MaxLength(NAME)
  presentation!: string;
}

export class CounterpartyFieldsDto {
  @ApiProperty({
    enum: ['organization', 'person'],
    description: 'An organisation (company or sole trader) becomes a Bitrix24 company; a person a contact.',
  })
  @IsIn(['organization', 'person'])
  type!: 'organization' | 'person';

  @ApiProperty({ maxLength: NAME, example: 'ООО «Ромашка»' })
  @IsString()
  @MinLength(1)
  @MaxLength(NAME)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  fullName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '7707083893', description: '10 or 12 digits.' })
  @IsOptional()
  @IsInn()
  inn?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '773601001' })
  @IsOptional()
  @IsKpp()
  kpp?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: LIST, example: ['+7 495 000-00-00'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  phones?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: LIST, example: ['info@example.ru'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST)
  @IsEmail({}, { each: true })
  @MaxLength(254, { each: true })
  emails?: string[];

  @ApiPropertyOptional({ type: [CounterpartyAddressDto], maxItems: LIST })
  @IsOptional()
  @ArrayMaxSize(LIST)
  @Nested(() => CounterpartyAddressDto, { each: true })
  addresses?: CounterpartyAddressDto[];
}

export class CourierFieldsDto {
  @ApiProperty({ maxLength: NAME, example: 'Иванов Иван' })
  @IsString()
  @MinLength(1)
  @MaxLength(NAME)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '17', description: "The Bitrix24 user's id." })
  @IsOptional()
  @Matches(/^[1-9]\d{0,18}$/, { message: 'bitrixUserId must be a Bitrix24 user id (digits)' })
  bitrixUserId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: "The courier's own warehouse (GUID): van stock." })
  @IsOptional()
  @IsOnecGuid()
  warehouseId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The cash desk it hands cash over to (GUID).' })
  @IsOptional()
  @IsOnecGuid()
  cashDeskId?: string | null;
}

export class CashDeskFieldsDto {
  @ApiProperty({ maxLength: NAME, example: 'Касса курьеров' })
  @IsString()
  @MinLength(1)
  @MaxLength(NAME)
  name!: string;

  @ApiPropertyOptional({ example: 'RUB', default: 'RUB', description: 'ISO 4217 code.' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: "The owning organisation's INN." })
  @IsOptional()
  @IsInn()
  organizationInn?: string | null;
}
