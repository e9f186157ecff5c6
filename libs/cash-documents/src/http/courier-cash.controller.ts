import { ApiProblemResponses, CurrentPrincipal, decodeCursor, encodeCursor, type Principal, Roles } from '@app/core';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CashDocumentsService } from '../application/cash-documents.service';
import { BalancesQueryDto, CourierIdParamDto } from './dto/cash-document-request.dto';
import { BalancePageDto, CourierCashDto, toCourierBalanceDto, toCourierCashDto } from './dto/cash-document.dto';

const BALANCE_CURSOR = { courierId: 'onec_id' } as const;

@ApiTags('cash-documents')
@Controller('api/v1')
export class CourierCashController {
  constructor(private readonly cash: CashDocumentsService) {}

  @Get('couriers/:id/cash')
  @Roles('courier', 'admin')
  @ApiOperation({
    summary: "A courier's cash: on hand, open advances, and what is still open",
    description:
      'The balances are sums of the ledger’s entries (collected cash in, posted ПКО out; posted advances in, posted ' +
      'reports and returned rests out). A courier reads its own only: another courier is 404, as an unknown one.',
  })
  @ApiOkResponse({ type: CourierCashDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async courierCash(
    @Param() { id }: CourierIdParamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CourierCashDto> {
    return toCourierCashDto(await this.cash.courierCash(id, principal));
  }

  @Get('admin/cash/balances')
  @Roles('admin')
  @ApiOperation({ summary: 'Every courier’s balances, by courier id, with a keyset cursor' })
  @ApiOkResponse({ type: BalancePageDto })
  @ApiProblemResponses(400, 401, 403)
  async balances(@Query() query: BalancesQueryDto): Promise<BalancePageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.cash.balances({
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor, BALANCE_CURSOR).courierId,
      limit,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toCourierBalanceDto),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor({ courierId: last.courierId }) } : {}),
    };
  }
}
