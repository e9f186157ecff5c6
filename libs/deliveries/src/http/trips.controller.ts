import { ApiProblemResponses, CurrentPrincipal, Idempotent, type Principal, Roles } from '@app/core';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TripsService } from '../application/trips.service';
import { DeliveryIdParamDto } from './dto/delivery-actions.dto';
import {
  TripContentDto,
  TripDto,
  TripUpsertDto,
  toTripDto,
  toTripHeader,
  toTripOrders,
  toTripUpsertDto,
} from './dto/trip.dto';

@ApiTags('deliveries')
@Controller('api/v1/delivery-trips')
export class TripsController {
  constructor(private readonly trips: TripsService) {}

  @Post()
  @HttpCode(200)
  @Roles('1c')
  @Idempotent()
  @ApiOperation({
    summary: "Create or change a courier's trip («Задание на перевозку») and the deliveries of its orders",
    description:
      'One transaction: the trip and every order’s delivery (created, or changed as PUT /api/v1/deliveries/{id} ' +
      'changes it: a delivery already on its way keeps its content and the change waits as a collision) or none. ' +
      'Idempotent on the trip’s 1C id: the same trip again changes nothing. Every order goes with the trip’s ' +
      'courier. 422 names each offending field (`orders.N.delivery.…` for an order). The middleware moves the trip on: ' +
      'dispatched when the courier sets out, closed when every delivery has ended; a closed trip refuses changes (409).',
  })
  @ApiBody({ type: TripContentDto })
  @ApiCreatedResponse({ type: TripUpsertDto, description: 'Created.' })
  @ApiOkResponse({ type: TripUpsertDto, description: 'Changed, or the same trip again.' })
  @ApiProblemResponses(400, 401, 403, 409, 413, 415, 422)
  async upsert(
    @Body() body: TripContentDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TripUpsertDto> {
    const result = await this.trips.upsert(toTripHeader(body), toTripOrders(body), principal);
    if (result.created) {
      reply.status(201);
    }
    return toTripUpsertDto(result);
  }

  @Get(':id')
  @Roles('admin', '1c', 'courier')
  @ApiOperation({
    summary: 'One trip with its stops, orders, their deliveries’ status and the delivered flags',
    description: 'A courier sees its own trips only (another’s is 404).',
  })
  @ApiOkResponse({ type: TripDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async get(@Param() { id }: DeliveryIdParamDto, @CurrentPrincipal() principal: Principal): Promise<TripDto> {
    return toTripDto(await this.trips.get(id, principal));
  }
}
