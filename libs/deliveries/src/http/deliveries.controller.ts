import { CollisionDto, toAuditHistoryEntryDto } from '@app/audit';
import {
  AppConfig,
  ApiProblemResponses,
  CurrentPrincipal,
  decodeCursor,
  Idempotent,
  type Principal,
  Roles,
  createdPage,
  CREATED_CURSOR,
} from '@app/core';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DeliveriesService } from '../application/deliveries.service';
import {
  AcknowledgementDto,
  DeliveryIdParamDto,
  DeliveryListQueryDto,
  StatusChangeDto,
  toStatusChange,
} from './dto/delivery-actions.dto';
import { DeliveryContentDto, toContent } from './dto/delivery-content.dto';
import { DeliveryDto, DeliveryPageDto, DeliveryWithHistoryDto, toDeliveryDto } from './dto/delivery.dto';

@ApiTags('deliveries')
@Controller('api/v1/deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('1c')
  @Idempotent()
  @ApiOperation({
    summary: "Create the delivery of a 1C shipment document (idempotent on the document's 1C id too)",
    description:
      'Validated against master data (counterparty, warehouse, courier, every product and characteristic in use) and ' +
      'against its own arithmetic (each amount = quantity × price to kopecks, the total their sum, cash on delivery ' +
      'within it): 422 names each offending field. The same document again: 200 with the delivery; with other ' +
      'content: 409 pointing at PUT. With a courier the delivery starts `assigned`, else `new`.',
  })
  @ApiBody({ type: DeliveryContentDto })
  @ApiCreatedResponse({ type: DeliveryDto, description: 'Created.' })
  @ApiOkResponse({ type: DeliveryDto, description: 'The delivery of this document existed with the same content.' })
  @ApiProblemResponses(400, 401, 403, 409, 413, 415, 422)
  async create(
    @Body() body: DeliveryContentDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeliveryDto> {
    const { delivery, created } = await this.deliveries.create(toContent(body), principal);
    if (created) {
      reply.status(201);
    }
    return toDeliveryDto(delivery);
  }

  @Put(':id')
  @Roles('1c')
  @Idempotent()
  @ApiOperation({
    summary: 'Change a delivery (1C): applied before dispatch, a collision for the back office after it',
    description:
      'The whole content again, validated as on creation; the same content changes nothing. Once the courier set ' +
      'out (`in_transit` or later) the delivery stays as it is and the change is kept as a collision (202 with it; ' +
      'the same change again answers the same open collision) until an operator resolves it.',
  })
  @ApiBody({ type: DeliveryContentDto })
  @ApiOkResponse({ type: DeliveryDto, description: 'Applied (or nothing to change).' })
  @ApiAcceptedResponse({ type: CollisionDto, description: 'Dispatched already: kept as a collision.' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 415, 422)
  async update(
    @Param() { id }: DeliveryIdParamDto,
    @Body() body: DeliveryContentDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeliveryDto | CollisionDto> {
    const result = await this.deliveries.update(id, toContent(body), principal);
    if ('collision' in result) {
      reply.status(202);
      return { ...result.collision, createdAt: result.collision.createdAt.toISOString() };
    }
    return toDeliveryDto(result.delivery);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('1c', 'admin')
  @Idempotent()
  @ApiOperation({ summary: 'Cancel a delivery before dispatch; a cancelled one answers as it is' })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async cancel(@Param() { id }: DeliveryIdParamDto, @CurrentPrincipal() principal: Principal): Promise<DeliveryDto> {
    return toDeliveryDto(await this.deliveries.cancel(id, principal));
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: "A courier's status change, with proof; an outcome is confirmed to 1C",
    description:
      'A courier changes its own deliveries only (another courier’s is 404). An illegal move is a 409 naming the ' +
      'current state; an outcome that does not match the shipment (more than shipped, quantities against the ' +
      'outcome, cash other than the delivered amount less the prepaid part, no reason) a 422. The state the delivery ' +
      'is already in answers as it is. An admin may correct a terminal state with `correctionReason` (audited).',
  })
  @ApiBody({ type: StatusChangeDto })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
  async changeStatus(
    @Param() { id }: DeliveryIdParamDto,
    @Body() body: StatusChangeDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeliveryDto> {
    return toDeliveryDto(await this.deliveries.changeStatus(id, toStatusChange(body), principal));
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('1c')
  @Idempotent()
  @ApiOperation({
    summary: "1C's acknowledgement of the outcome: the delivery is closed",
    description: 'Only after an outcome (409 before); a closed delivery answers as it is.',
  })
  @ApiBody({ type: AcknowledgementDto })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async acknowledge(
    @Param() { id }: DeliveryIdParamDto,
    @Body() body: AcknowledgementDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeliveryDto> {
    return toDeliveryDto(
      await this.deliveries.acknowledge(
        id,
        { documentNumber: body.documentNumber, documentDate: body.documentDate },
        principal,
      ),
    );
  }

  @Get()
  @Roles('admin', '1c', 'courier')
  @ApiOperation({
    summary: 'Deliveries, newest first, with a keyset cursor',
    description: 'A courier sees its own deliveries only, whatever `courier` it asks for.',
  })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: DeliveryListQueryDto, @CurrentPrincipal() principal: Principal): Promise<DeliveryPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.deliveries.list(
      {
        status: query.status,
        courierId: query.courier,
        counterpartyId: query.counterparty,
        onecDocumentId: query.document,
        createdFrom: query.created_from === undefined ? undefined : new Date(query.created_from),
        createdTo: query.created_to === undefined ? undefined : new Date(query.created_to),
        unacknowledgedBefore:
          query.overdue === 'true' ? new Date(Date.now() - this.config.deliveries.ackOverdueMs) : undefined,
        before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, CREATED_CURSOR),
        limit,
      },
      principal,
    );
    return createdPage(rows, limit, toDeliveryDto);
  }

  @Get(':id')
  @Roles('admin', '1c', 'courier')
  @ApiOperation({ summary: 'One delivery with its history of changes (a courier: its own only, else 404)' })
  @ApiOkResponse({ type: DeliveryWithHistoryDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async get(
    @Param() { id }: DeliveryIdParamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeliveryWithHistoryDto> {
    const delivery = await this.deliveries.get(id, principal);
    const history = await this.deliveries.history(id, principal);
    return { ...toDeliveryDto(delivery), history: history.map(toAuditHistoryEntryDto) };
  }
}
