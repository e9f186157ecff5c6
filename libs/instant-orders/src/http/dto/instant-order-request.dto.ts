import { DECIMAL, DECIMAL_MESSAGE, GeoPointDto, IsTimestamp, Nested, NO_NUL, NO_NUL_MESSAGE, ONEC_ID } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import type { OrderRequest } from '../../application/instant-orders.service';
import { DISCOUNT_REASONS, type DiscountReason, PAYMENT_METHODS, type PaymentMethod } from '../../domain/instant-order';

/** A sale at the door is a handful of lines; a van's whole stock would be a different document. */
const MAX_LINES = 200;
const PHONE = /^\+?[\d\s()-]{5,20}$/;

export class OrderLineDto {
  @ApiProperty({ description: "The product's 1C id (master data `products`)." })
  @Matches(ONEC_ID, { message: 'productId must be a 1C id' })
  productId!: string;

  @ApiPropertyOptional({ nullable: true, description: "The characteristic's 1C id, for a product with variants." })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'characteristicId must be a 1C id' })
  characteristicId?: string | null;

  @ApiProperty({ example: '1.250', description: 'Above zero; whole for goods sold by the piece, else up to 3 places.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  quantity!: string;

  @ApiProperty({ example: '149.90', description: "The mirror's price for the order's price type, VAT included." })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  price!: string;

  @ApiPropertyOptional({ example: '10.00', description: 'Roubles off the line; needs `discountReason`.' })
  @IsOptional()
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  discount?: string | null;

  @ApiProperty({ example: '177.38', description: 'Окр(quantity × price, 2) less the discount.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  amount!: string;
}

/** Either a counterparty the mirror holds, or a new person (name and phone) that 1C gets as a draft. */
export class BuyerDto {
  @ApiPropertyOptional({ description: "A known customer's 1C id (master data `counterparties`)." })
  @ValidateIf((buyer: BuyerDto) => buyer.name === undefined && buyer.phone === undefined)
  @Matches(ONEC_ID, { message: 'counterpartyId must be a 1C id (or give name and phone of a new person)' })
  counterpartyId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: "A new person's name." })
  @ValidateIf((buyer: BuyerDto) => buyer.counterpartyId === undefined)
  @IsString()
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '+7 916 123-45-67', description: "A new person's phone." })
  @ValidateIf((buyer: BuyerDto) => buyer.counterpartyId === undefined)
  @Matches(PHONE, { message: 'phone must be a phone number' })
  phone?: string;
}

/** A courier's sale on the spot (POST creates it, PUT changes it before 1C took it). */
export class InstantOrderRequestDto {
  @ApiPropertyOptional({ description: "The courier's 1C id: an admin names it; a courier's token is its own." })
  @IsOptional()
  @Matches(ONEC_ID, { message: 'courierId must be a 1C id' })
  courierId?: string;

  @ApiProperty({ type: BuyerDto })
  @Nested(() => BuyerDto)
  buyer!: BuyerDto;

  @ApiPropertyOptional({ format: 'uuid', description: 'The delivery at whose door it was sold.' })
  @IsOptional()
  @IsUUID()
  deliveryId?: string;

  @ApiProperty({ description: "The price type's 1C id (master data `price-types`) the lines are priced at." })
  @Matches(ONEC_ID, { message: 'priceTypeId must be a 1C id' })
  priceTypeId!: string;

  @ApiProperty({ enum: PAYMENT_METHODS })
  @IsIn(PAYMENT_METHODS)
  payment!: PaymentMethod;

  @ApiProperty({ type: [OrderLineDto], minItems: 1, maxItems: MAX_LINES })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  @Nested(() => OrderLineDto, { each: true })
  items!: OrderLineDto[];

  @ApiProperty({ example: '327.28', description: 'The sum of the line amounts.' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  total!: string;

  @ApiPropertyOptional({ enum: DISCOUNT_REASONS, description: 'Required when a line has a discount.' })
  @IsOptional()
  @IsIn(DISCOUNT_REASONS)
  discountReason?: DiscountReason;

  @ApiProperty({ format: 'date-time', description: 'When the customer paid.' })
  @IsTimestamp()
  soldAt!: string;

  @ApiPropertyOptional({ type: GeoPointDto })
  @IsOptional()
  @Nested(() => GeoPointDto)
  geo?: GeoPointDto;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  @MaxLength(1000)
  comment?: string;
}

export function toOrderRequest(body: InstantOrderRequestDto, newBuyerId: () => string): OrderRequest {
  const { buyer } = body;
  return {
    courierId: body.courierId ?? null,
    buyer:
      buyer.counterpartyId !== undefined
        ? { kind: 'known', counterpartyId: buyer.counterpartyId }
        : { kind: 'new', draftId: newBuyerId(), name: buyer.name!, phone: buyer.phone! },
    deliveryId: body.deliveryId ?? null,
    priceTypeId: body.priceTypeId,
    payment: body.payment,
    items: body.items.map((line) => ({
      productId: line.productId,
      characteristicId: line.characteristicId ?? null,
      quantity: line.quantity,
      price: line.price,
      discount: line.discount ?? null,
      amount: line.amount,
    })),
    total: body.total,
    discountReason: body.discountReason ?? null,
    soldAt: new Date(body.soldAt),
    geo: body.geo ? { latitude: body.geo.latitude, longitude: body.geo.longitude } : null,
    comment: body.comment ?? null,
  };
}
