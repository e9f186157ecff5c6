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
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReturnsService } from '../application/returns.service';
import {
  PickupDto,
  ReceiptDto,
  RejectReturnDto,
  ReturnIdParamDto,
  ReturnListQueryDto,
  ReturnPostingDto,
  ReturnRequestDto,
} from './dto/return-request.dto';
import { ReturnDto, ReturnPageDto, ReturnWithHistoryDto, toReturnDto } from './dto/return.dto';

const ILLEGAL =
  'An illegal move is a 409 naming the current state; the state the return is already in answers as it is.';

@ApiTags('returns')
@Controller('api/v1/returns')
export class ReturnsController {
  constructor(private readonly returns: ReturnsService) {}

  @Post()
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'A courier asks to take goods back from one of its sales',
    description:
      'Linked to the original sale: a delivery delivered in full or in part, or an instant order 1C posted (another ' +
      "courier's sale is refused). Each line takes back at most what it sold less what earlier returns took " +
      '(`OVER_RETURNABLE`; concurrent returns of one sale are serialised), with a reason from the list; the refund ' +
      "is the sale's own amount in proportion (never today's price). Approved at once where the auto-approval rule " +
      'allows (`RETURNS_AUTO_APPROVE_*`), else `requested` for an operator.',
  })
  @ApiBody({ type: ReturnRequestDto })
  @ApiCreatedResponse({ type: ReturnDto })
  @ApiProblemResponses(400, 401, 403, 409, 413, 415, 422)
  async request(@Body() body: ReturnRequestDto, @CurrentPrincipal() principal: Principal): Promise<ReturnDto> {
    return toReturnDto(
      await this.returns.request(
        {
          courierId: body.courierId ?? null,
          sale: { kind: body.sale.kind, id: body.sale.id },
          items: body.items.map((line) => ({ lineNo: line.lineNo, quantity: line.quantity, reason: line.reason })),
          comment: body.comment ?? null,
        },
        principal,
      ),
    );
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('admin')
  @Idempotent()
  @ApiOperation({ summary: 'Approve a requested return', description: ILLEGAL })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async approve(@Param() { id }: ReturnIdParamDto, @CurrentPrincipal() principal: Principal): Promise<ReturnDto> {
    return toReturnDto(await this.returns.approve(id, principal));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('admin')
  @Idempotent()
  @ApiOperation({ summary: 'Reject a return before the courier takes the goods, with a reason', description: ILLEGAL })
  @ApiBody({ type: RejectReturnDto })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async reject(
    @Param() { id }: ReturnIdParamDto,
    @Body() body: RejectReturnDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReturnDto> {
    return toReturnDto(await this.returns.reject(id, body.reason, principal));
  }

  @Post(':id/pick-up')
  @HttpCode(200)
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'The courier took the goods back (time, place, and any cash it paid back)',
    description: `Only once approved. A cash refund above the refund due is a 422. ${ILLEGAL}`,
  })
  @ApiBody({ type: PickupDto })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
  async pickUp(
    @Param() { id }: ReturnIdParamDto,
    @Body() body: PickupDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReturnDto> {
    return toReturnDto(
      await this.returns.pickUp(
        id,
        { occurredAt: new Date(body.occurredAt), geo: body.geo ?? null, cashRefund: body.cashRefund ?? null },
        principal,
      ),
    );
  }

  @Post(':id/receive')
  @HttpCode(200)
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'The warehouse received the goods, with the quantities it counted',
    description:
      'Less than the courier took back is a shortfall, kept with the return for the back office. The return then ' +
      `goes to 1C. ${ILLEGAL}`,
  })
  @ApiBody({ type: ReceiptDto })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
  async receive(
    @Param() { id }: ReturnIdParamDto,
    @Body() body: ReceiptDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReturnDto> {
    return toReturnDto(
      await this.returns.receive(
        id,
        {
          occurredAt: new Date(body.occurredAt),
          items: body.items.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })),
        },
        principal,
      ),
    );
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('1c')
  @Idempotent()
  @ApiOperation({
    summary: '1C posted the return («Возврат товаров от клиента»): final',
    description: `Closed at once unless a cash refund waits to be settled. ${ILLEGAL}`,
  })
  @ApiBody({ type: ReturnPostingDto })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async acknowledge(
    @Param() { id }: ReturnIdParamDto,
    @Body() body: ReturnPostingDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReturnDto> {
    return toReturnDto(
      await this.returns.acknowledge(
        id,
        { documentNumber: body.documentNumber, documentDate: body.documentDate },
        principal,
      ),
    );
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('admin')
  @Idempotent()
  @ApiOperation({ summary: 'Close a posted return once its cash refund is settled', description: ILLEGAL })
  @ApiOkResponse({ type: ReturnDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async close(@Param() { id }: ReturnIdParamDto, @CurrentPrincipal() principal: Principal): Promise<ReturnDto> {
    return toReturnDto(await this.returns.close(id, principal));
  }

  @Get()
  @Roles('admin', '1c', 'courier')
  @ApiOperation({
    summary: 'Returns, newest first, with a keyset cursor',
    description: 'A courier sees its own returns only, whatever `courier` it asks for.',
  })
  @ApiOkResponse({ type: ReturnPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(@Query() query: ReturnListQueryDto, @CurrentPrincipal() principal: Principal): Promise<ReturnPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.returns.list(
      {
        status: query.status,
        courierId: query.courier,
        counterpartyId: query.counterparty,
        sale:
          query.sale_kind !== undefined && query.sale_id !== undefined
            ? { kind: query.sale_kind, id: query.sale_id }
            : undefined,
        createdFrom: query.created_from === undefined ? undefined : new Date(query.created_from),
        createdTo: query.created_to === undefined ? undefined : new Date(query.created_to),
        before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, CREATED_CURSOR),
        limit,
      },
      principal,
    );
    return createdPage(rows, limit, toReturnDto);
  }

  @Get(':id')
  @Roles('admin', '1c', 'courier')
  @ApiOperation({ summary: 'One return with its history of changes (a courier: its own only, else 404)' })
  @ApiOkResponse({ type: ReturnWithHistoryDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async get(
    @Param() { id }: ReturnIdParamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReturnWithHistoryDto> {
    const entry = await this.returns.get(id, principal);
    const history = await this.returns.history(id, principal);
    return { ...toReturnDto(entry), history: history.map(toAuditHistoryEntryDto) };
  }
}
