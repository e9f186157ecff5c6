import { randomUUID } from 'node:crypto';
import { toAuditHistoryEntryDto } from '@app/audit';
import {
  ApiProblemResponses,
  CurrentPrincipal,
  decodeCursor,
  Idempotent,
  type Principal,
  Roles,
  createdPage,
  CREATED_CURSOR,
} from '@app/core';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InstantOrdersService } from '../application/instant-orders.service';
import {
  CancelInstantOrderDto,
  InstantOrderAckDto,
  InstantOrderIdParamDto,
  InstantOrderListQueryDto,
  toPostingReport,
} from './dto/instant-order-actions.dto';
import { InstantOrderRequestDto, toOrderRequest } from './dto/instant-order-request.dto';
import {
  InstantOrderDto,
  InstantOrderPageDto,
  InstantOrderWithHistoryDto,
  toInstantOrderDto,
} from './dto/instant-order.dto';

const RULES =
  'Checked against master data: every product in use and sold as its unit says (whole pieces), the price the ' +
  "mirror's for the price type (a courier cannot set one), a discount only with a reason and within " +
  '`INSTANT_ORDERS_DISCOUNT_LIMIT_PERCENT`, each amount Окр(quantity × price, 2) less its discount, the total their ' +
  "sum, and the stock at the courier's own warehouse, which the order then holds (of two orders for the last unit " +
  'one wins). Each broken rule is a 422 error naming its field, its message starting with the rule ' +
  '(`PRICE_MISMATCH: …`).';

@ApiTags('instant-orders')
@Controller('api/v1/instant-orders')
export class InstantOrdersController {
  constructor(private readonly orders: InstantOrdersService) {}

  @Post()
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: "A courier's sale on the spot: checked, its stock reserved, then on its way to 1C",
    description:
      `${RULES} A courier sells for itself; an admin names the courier. The order then waits for 1C's ` +
      '`sale/query`, or is pushed to 1C at once where 1C publishes an HTTP service (`sent_to_1c`).',
  })
  @ApiBody({ type: InstantOrderRequestDto })
  @ApiCreatedResponse({ type: InstantOrderDto })
  @ApiProblemResponses(400, 401, 403, 409, 413, 415, 422)
  async create(
    @Body() body: InstantOrderRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstantOrderDto> {
    return toInstantOrderDto(await this.orders.create(toOrderRequest(body, randomUUID), principal));
  }

  @Put(':id')
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Change a sale before 1C took it (the whole order again)',
    description: `${RULES} Only while \`accepted\` (409 after); its reservation is replaced by the new one.`,
  })
  @ApiBody({ type: InstantOrderRequestDto })
  @ApiOkResponse({ type: InstantOrderDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 415, 422)
  async amend(
    @Param() { id }: InstantOrderIdParamDto,
    @Body() body: InstantOrderRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstantOrderDto> {
    return toInstantOrderDto(await this.orders.amend(id, toOrderRequest(body, randomUUID), principal));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Cancel a sale before 1C took it; its stock is released',
    description: 'A cancelled order answers as it is; once 1C took it, 409.',
  })
  @ApiBody({ type: CancelInstantOrderDto, required: false })
  @ApiOkResponse({ type: InstantOrderDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async cancel(
    @Param() { id }: InstantOrderIdParamDto,
    @Body() body: CancelInstantOrderDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstantOrderDto> {
    return toInstantOrderDto(await this.orders.cancel(id, body.reason ?? null, principal));
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('1c')
  @Idempotent()
  @ApiOperation({
    summary: "1C's posting result: posted with its document, or rejected with a reason (final)",
    description: 'The same answer again returns the order as it is; another answer after a final one is a 409.',
  })
  @ApiBody({ type: InstantOrderAckDto })
  @ApiOkResponse({ type: InstantOrderDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async acknowledge(
    @Param() { id }: InstantOrderIdParamDto,
    @Body() body: InstantOrderAckDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstantOrderDto> {
    return toInstantOrderDto(await this.orders.acknowledge(id, toPostingReport(body), principal));
  }

  @Get()
  @Roles('admin', '1c', 'courier')
  @ApiOperation({
    summary: 'Instant orders, newest first, with a keyset cursor',
    description: 'A courier sees its own orders only, whatever `courier` it asks for.',
  })
  @ApiOkResponse({ type: InstantOrderPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(
    @Query() query: InstantOrderListQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstantOrderPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.orders.list(
      {
        status: query.status,
        courierId: query.courier,
        counterpartyId: query.counterparty,
        deliveryId: query.delivery,
        soldFrom: query.sold_from === undefined ? undefined : new Date(query.sold_from),
        soldTo: query.sold_to === undefined ? undefined : new Date(query.sold_to),
        before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, CREATED_CURSOR),
        limit,
      },
      principal,
    );
    return createdPage(rows, limit, toInstantOrderDto);
  }

  @Get(':id')
  @Roles('admin', '1c', 'courier')
  @ApiOperation({ summary: 'One instant order with its history of changes (a courier: its own only, else 404)' })
  @ApiOkResponse({ type: InstantOrderWithHistoryDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async get(
    @Param() { id }: InstantOrderIdParamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstantOrderWithHistoryDto> {
    const order = await this.orders.get(id, principal);
    const history = await this.orders.history(id, principal);
    return { ...toInstantOrderDto(order), history: history.map(toAuditHistoryEntryDto) };
  }
}
