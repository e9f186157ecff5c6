import { IsTimestamp, Nested, NO_NUL, ONEC_ID } from '@app/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import type { TripOrderContent, TripUpsert, TripWithDeliveries } from '../../application/trips.service';
import { DELIVERY_STATUSES } from '../../domain/delivery-status';
import { deliveredFlags, type TripHeader, TRIP_STATUSES } from '../../domain/trip';
import { DeliveryContentDto, toContent } from './delivery-content.dto';

/** A courier's run carries at most this many stops and orders; УТ's trips hold a few dozen. */
export const MAX_TRIP_ORDERS = 200;
const NO_NUL_MESSAGE = { message: '$property must not contain a NUL character' };
const SENT_STATUSES = ['forming', 'loading', 'dispatched'] as const;
const CHANGES = ['created', 'updated', 'unchanged', 'collision'] as const;

export class RoutePointDto {
  @ApiProperty({ description: "1C's `КлючСвязи`: the orders name their stop by it.", maxLength: 100 })
  @IsString()
  @Matches(NO_NUL, NO_NUL_MESSAGE)
  @MinLength(1)
  @MaxLength(100)
  key!: string;

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @Matches(NO_NUL, NO_NUL_MESSAGE)
  @MinLength(1)
  @MaxLength(500)
  address!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  windowFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  windowTo?: string;
}

export class TripOrderDto {
  @ApiProperty({ description: 'The `key` of the route point the order is delivered at.' })
  @IsString()
  @Matches(NO_NUL, NO_NUL_MESSAGE)
  @MinLength(1)
  @MaxLength(100)
  routePointKey!: string;

  @ApiProperty({
    type: DeliveryContentDto,
    description: "The order's delivery task, as POST /api/v1/deliveries takes it; its courier is the trip's.",
  })
  @Nested(() => DeliveryContentDto)
  delivery!: DeliveryContentDto;
}

/** УТ 11's «Задание на перевозку» with the orders it carries. */
export class TripContentDto {
  @ApiProperty({ description: "The trip's `Ссылка` (GUID): one trip per 1C id." })
  @Matches(ONEC_ID, { message: 'onecId must be a 1C id' })
  onecId!: string;

  @ApiProperty({ example: 'ЗП-000042', maxLength: 50 })
  @IsString()
  @Matches(NO_NUL, NO_NUL_MESSAGE)
  @MinLength(1)
  @MaxLength(50)
  number!: string;

  @ApiProperty({ format: 'date', example: '2026-12-05' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a calendar date' })
  date!: string;

  @ApiPropertyOptional({
    enum: SENT_STATUSES,
    default: 'forming',
    description:
      "1C's status (`Формируется`, `КПогрузке`, `Отправлено`); a trip never moves back, and only the middleware " +
      'closes one (when every delivery has ended).',
  })
  @IsOptional()
  @IsIn(SENT_STATUSES)
  status?: (typeof SENT_STATUSES)[number];

  @ApiProperty({ description: 'The courier-expeditor’s 1C id (master data `couriers`); every order goes with it.' })
  @Matches(ONEC_ID, { message: 'courierId must be a 1C id' })
  courierId!: string;

  @ApiPropertyOptional({ maxLength: 100, description: 'The vehicle (`ТранспортноеСредство`) as 1C names it.' })
  @IsOptional()
  @IsString()
  @Matches(NO_NUL, NO_NUL_MESSAGE)
  @MaxLength(100)
  vehicle?: string;

  @ApiProperty({ description: 'The loading warehouse’s 1C id (master data `warehouses`).' })
  @Matches(ONEC_ID, { message: 'warehouseId must be a 1C id' })
  warehouseId!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  plannedStart?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  plannedEnd?: string;

  @ApiProperty({ type: [RoutePointDto], minItems: 1, maxItems: MAX_TRIP_ORDERS })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TRIP_ORDERS)
  @Nested(() => RoutePointDto, { each: true })
  routePoints!: RoutePointDto[];

  @ApiProperty({ type: [TripOrderDto], minItems: 1, maxItems: MAX_TRIP_ORDERS })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TRIP_ORDERS)
  @Nested(() => TripOrderDto, { each: true })
  orders!: TripOrderDto[];
}

const time = (value: string | undefined) => (value === undefined ? null : new Date(value));
const isoTime = (value: string | undefined) => (value === undefined ? null : new Date(value).toISOString());

export function toTripHeader(dto: TripContentDto): TripHeader {
  return {
    onecId: dto.onecId,
    number: dto.number,
    date: dto.date,
    status: dto.status ?? 'forming',
    courierId: dto.courierId,
    vehicle: dto.vehicle ?? null,
    warehouseId: dto.warehouseId,
    plannedStart: time(dto.plannedStart),
    plannedEnd: time(dto.plannedEnd),
    routePoints: dto.routePoints.map((point) => ({
      key: point.key,
      address: point.address,
      windowFrom: isoTime(point.windowFrom),
      windowTo: isoTime(point.windowTo),
    })),
  };
}

export function toTripOrders(dto: TripContentDto): TripOrderContent[] {
  return dto.orders.map((order) => ({ routePointKey: order.routePointKey, delivery: toContent(order.delivery) }));
}

export class RoutePointResultDto {
  @ApiProperty() key!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time' }) windowFrom!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time' }) windowTo!: string | null;
  @ApiProperty({ description: '1C’s `Доставлено`: every order of the stop delivered, in full or in part.' })
  delivered!: boolean;
}

export class TripOrderResultDto {
  @ApiProperty() routePointKey!: string;
  @ApiProperty() documentOnecId!: string;
  @ApiProperty({ format: 'uuid' }) deliveryId!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) deliveryStatus!: string;
  @ApiProperty({ description: '1C’s `Доставлено`: delivered in full or in part.' }) delivered!: boolean;
}

export class TripDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() onecId!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ enum: TRIP_STATUSES }) status!: string;
  @ApiProperty() courierId!: string;
  @ApiProperty({ nullable: true, type: 'string' }) vehicle!: string | null;
  @ApiProperty() warehouseId!: string;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time' }) plannedStart!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time' }) plannedEnd!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time', description: 'The courier set out.' })
  actualStart!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time', description: 'The last delivery ended.' })
  actualEnd!: string | null;
  @ApiProperty({ type: [RoutePointResultDto] }) routePoints!: RoutePointResultDto[];
  @ApiProperty({ type: [TripOrderResultDto] }) orders!: TripOrderResultDto[];
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class OrderChangeDto {
  @ApiProperty() documentOnecId!: string;
  @ApiProperty({ format: 'uuid' }) deliveryId!: string;
  @ApiProperty({
    enum: CHANGES,
    description: '`collision`: the delivery was on its way; 1C’s change waits for an operator (collisionId).',
  })
  change!: (typeof CHANGES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) collisionId?: string;
}

export class TripUpsertDto extends TripDto {
  @ApiProperty({ type: [OrderChangeDto], description: 'What this send did to each order’s delivery, in its order.' })
  changes!: OrderChangeDto[];
}

export function toTripDto({ trip, deliveries }: TripWithDeliveries): TripDto {
  const flags = deliveredFlags(trip, deliveries);
  return {
    id: trip.id,
    onecId: trip.onecId,
    number: trip.number,
    date: trip.date,
    status: trip.status,
    courierId: trip.courierId,
    vehicle: trip.vehicle,
    warehouseId: trip.warehouseId,
    plannedStart: trip.plannedStart?.toISOString() ?? null,
    plannedEnd: trip.plannedEnd?.toISOString() ?? null,
    actualStart: trip.actualStart?.toISOString() ?? null,
    actualEnd: trip.actualEnd?.toISOString() ?? null,
    routePoints: trip.routePoints.map((point, index) => ({ ...point, delivered: flags.points[index].delivered })),
    orders: trip.orders.map((order, index) => ({
      routePointKey: order.routePointKey,
      documentOnecId: order.documentOnecId,
      deliveryId: order.deliveryId,
      deliveryStatus: flags.orders[index].status,
      delivered: flags.orders[index].delivered,
    })),
    version: trip.version,
    createdAt: trip.createdAt.toISOString(),
    updatedAt: trip.updatedAt.toISOString(),
  };
}

export function toTripUpsertDto(result: TripUpsert): TripUpsertDto {
  return {
    ...toTripDto(result),
    changes: result.placed.map((placed) => ({
      documentOnecId: placed.delivery.document.onecId,
      deliveryId: placed.delivery.id,
      change: placed.change,
      ...(placed.change === 'collision' ? { collisionId: placed.collisionId } : {}),
    })),
  };
}
