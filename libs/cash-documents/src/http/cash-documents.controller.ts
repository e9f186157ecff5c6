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
import { CashDocumentsService, type OnecAnswer } from '../application/cash-documents.service';
import type { CashDocumentContent } from '../domain/cash-document';
import { CashErrors } from '../domain/cash.errors';
import {
  CashDocumentAckDto,
  type CashDocumentContentDto,
  CashDocumentIdParamDto,
  CashDocumentListQueryDto,
  CashDocumentRequestDto,
  OnecCashDocumentDto,
} from './dto/cash-document-request.dto';
import {
  CashDocumentDto,
  CashDocumentPageDto,
  CashDocumentWithHistoryDto,
  toCashDocumentDto,
} from './dto/cash-document.dto';

const ILLEGAL =
  'An illegal move is a 409 naming the current state; the state the document is already in answers as it is.';

function toContent(body: CashDocumentContentDto): Omit<CashDocumentContent, 'courierId'> {
  return {
    operation: body.operation,
    cashDeskId: body.cashDeskId ?? null,
    counterpartyId: body.counterpartyId ?? null,
    amount: body.amount,
    purpose: body.purpose ?? null,
    cashFlowItem: body.cashFlowItem ?? null,
    vatIncluded: body.vatIncluded ?? null,
    settles: (body.settles ?? []).map((item) => ({
      type: item.type,
      id: item.id,
      amount: item.amount,
      fiscalReceipt: item.fiscalReceipt ? { ...item.fiscalReceipt, vat: [...item.fiscalReceipt.vat] } : null,
    })),
    advanceId: body.advanceId ?? null,
    lines: (body.lines ?? []).map((line) => ({ ...line, description: line.description ?? null })),
  };
}

@ApiTags('cash-documents')
@Controller('api/v1/cash-documents')
export class CashDocumentsController {
  constructor(private readonly cash: CashDocumentsService) {}

  @Post()
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'A courier hands cash in (ПКО), reports an advance, returns its rest; the back office writes any',
    description:
      'A courier writes `customer_payment` (handing in the cash it took: each sale it settles named with the cash ' +
      'it took for it and the fiscal receipt its register printed), `expense_report` (lines adding up to the amount; ' +
      'with `unspent`, a ПКО returning the rest is raised with it, and the two must add up to what the advance ' +
      'still has outstanding) and `accountable_return`; the back office also `customer_refund`, `advance_issue` and ' +
      '`change_fund`. Submitted at once (to 1C through the outbox) unless `submit` is false. A sale already settled ' +
      'by another live document, an amount other than the cash taken, a report that does not add up: 422 with the ' +
      "rule's code. The ledger moves when 1C posts the document.",
  })
  @ApiBody({ type: CashDocumentRequestDto })
  @ApiCreatedResponse({ type: CashDocumentDto })
  @ApiProblemResponses(400, 401, 403, 409, 413, 415, 422)
  async create(
    @Body() body: CashDocumentRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CashDocumentDto> {
    return toCashDocumentDto(
      await this.cash.create(
        {
          ...toContent(body),
          courierId: body.courierId ?? null,
          unspent: body.unspent ?? null,
          submit: body.submit ?? true,
        },
        principal,
      ),
    );
  }

  @Put(':id')
  @Roles('1c')
  @Idempotent()
  @ApiOperation({
    summary: 'A document 1C created (an advance issued at the cash desk, say), under 1C’s id',
    description:
      'Created or replaced as 1C holds it; posted, the ledger follows the amount posted (a changed amount appends ' +
      'the difference; no longer posted, the entries are reversed). The same document again changes nothing. A ' +
      'document the middleware created is answered by `/ack`, not replaced: 409.',
  })
  @ApiBody({ type: OnecCashDocumentDto })
  @ApiOkResponse({ type: CashDocumentDto })
  @ApiProblemResponses(400, 401, 403, 409, 413, 415, 422)
  async put(
    @Param() { id }: CashDocumentIdParamDto,
    @Body() body: OnecCashDocumentDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CashDocumentDto> {
    return toCashDocumentDto(
      await this.cash.putFromOnec(
        id,
        {
          ...toContent(body),
          courierId: body.courierId,
          documentNumber: body.documentNumber,
          documentDate: body.documentDate,
          posted: body.posted,
        },
        principal,
      ),
    );
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({ summary: 'Submit a draft, or again a document 1C rejected', description: ILLEGAL })
  @ApiOkResponse({ type: CashDocumentDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async submit(
    @Param() { id }: CashDocumentIdParamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CashDocumentDto> {
    return toCashDocumentDto(await this.cash.submit(id, principal));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('courier', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Cancel a document before 1C has it (an advance report takes its returned rest with it)',
    description: `What it settled is free to settle again. ${ILLEGAL}`,
  })
  @ApiOkResponse({ type: CashDocumentDto })
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async cancel(
    @Param() { id }: CashDocumentIdParamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CashDocumentDto> {
    return toCashDocumentDto(await this.cash.cancel(id, principal));
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('1c')
  @Idempotent()
  @ApiOperation({
    summary: '1C posted the document (its number, date and the amount posted) or rejected it (why)',
    description:
      'Posted is final: the ledger moves once, by the amount 1C posted, and the sales a ПКО settles are settled; ' +
      `posted again answers the document as it is. Rejected goes back to its author. ${ILLEGAL}`,
  })
  @ApiBody({ type: CashDocumentAckDto })
  @ApiOkResponse({ type: CashDocumentDto })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
  async acknowledge(
    @Param() { id }: CashDocumentIdParamDto,
    @Body() body: CashDocumentAckDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CashDocumentDto> {
    return toCashDocumentDto(await this.cash.acknowledge(id, answerOf(body), principal));
  }

  @Get()
  @Roles('admin', '1c', 'courier')
  @ApiOperation({
    summary: 'Cash documents, newest first, with a keyset cursor',
    description: 'A courier sees its own documents only, whatever `courier` it asks for.',
  })
  @ApiOkResponse({ type: CashDocumentPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(
    @Query() query: CashDocumentListQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CashDocumentPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.cash.list(
      {
        status: query.status,
        operation: query.operation,
        courierId: query.courier,
        settles:
          query.settles_type !== undefined && query.settles_id !== undefined
            ? { type: query.settles_type, id: query.settles_id }
            : undefined,
        createdFrom: query.created_from === undefined ? undefined : new Date(query.created_from),
        createdTo: query.created_to === undefined ? undefined : new Date(query.created_to),
        before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, CREATED_CURSOR),
        limit,
      },
      principal,
    );
    return createdPage(rows, limit, toCashDocumentDto);
  }

  @Get(':id')
  @Roles('admin', '1c', 'courier')
  @ApiOperation({ summary: 'One cash document with its history of changes (a courier: its own only, else 404)' })
  @ApiOkResponse({ type: CashDocumentWithHistoryDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async get(
    @Param() { id }: CashDocumentIdParamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CashDocumentWithHistoryDto> {
    const document = await this.cash.get(id, principal);
    const history = await this.cash.history(id, principal);
    return { ...toCashDocumentDto(document), history: history.map(toAuditHistoryEntryDto) };
  }
}

/** A posting names 1C's number and date; a rejection its reason. */
function answerOf(body: CashDocumentAckDto): OnecAnswer {
  if (body.outcome === 'rejected') {
    if (body.reason === undefined) {
      throw CashErrors.invalid([{ path: 'reason', message: 'REQUIRED: why 1C rejected it' }]);
    }
    return { outcome: 'rejected', reason: body.reason };
  }
  if (body.documentNumber === undefined || body.documentDate === undefined) {
    throw CashErrors.invalid([
      ...(body.documentNumber === undefined ? [{ path: 'documentNumber', message: 'REQUIRED: 1C’s number' }] : []),
      ...(body.documentDate === undefined ? [{ path: 'documentDate', message: 'REQUIRED: 1C’s date' }] : []),
    ]);
  }
  return {
    outcome: 'posted',
    documentNumber: body.documentNumber,
    documentDate: body.documentDate,
    amount: body.amount ?? null,
  };
}
