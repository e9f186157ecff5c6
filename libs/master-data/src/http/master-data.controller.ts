import { ApiProblemResponses, BodyLimit, CurrentPrincipal, Idempotent, type Principal, Roles } from '@app/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MasterDataService } from '../application/master-data.service';
import { toBatchItems, toBatchResultDto } from './dto/item.mapper';
import { MasterDataBatchResultDto, ITEM_DTOS, MAX_BATCH_ITEMS, MasterDataBatchDto } from './dto/items.dto';
import { KindIdParamDto, KindParamDto, MasterDataListQueryDto, toListRequest } from './dto/list-query.dto';
import {
  MasterDataDeletionDto,
  MasterDataFeedsDto,
  MasterDataPageDto,
  ROW_DTOS,
  ROW_SCHEMA,
  toWireRow,
  type WireRow,
} from './dto/rows.dto';

/** 1,000 items of a few KB each (names, descriptions, barcodes, properties); a larger batch is split by the client. */
const BATCH_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
/**
 * The answer of a batch is stored for replay: one result per item, each bounded (a valid id or none, at most five
 * errors of bounded path and message: item.mapper.ts), so 1,000 of them stay under this.
 */
const BATCH_ANSWER_LIMIT_BYTES = MAX_BATCH_ITEMS * 2 * 1024;

const KINDS_DOC =
  '`products`, `product-groups`, `units`, `properties`, `price-types`, `prices`, `warehouses`, `stock`, ' +
  '`counterparties`, `couriers`, `cash-desks`';

@ApiTags('master-data')
@ApiExtraModels(...ITEM_DTOS, ...ROW_DTOS)
@Controller('api/v1/master-data')
export class MasterDataController {
  constructor(private readonly masterData: MasterDataService) {}

  @Get('cursors')
  @Roles('admin', '1c')
  @ApiOperation({ summary: 'Each feed of the mirror (kind and source) with its last version, counts and lag' })
  @ApiOkResponse({ type: MasterDataFeedsDto })
  @ApiProblemResponses(401, 403)
  async cursors(): Promise<MasterDataFeedsDto> {
    const feeds = await this.masterData.feeds();
    return {
      items: feeds.map((feed) => ({
        ...feed,
        lastReceivedAt: feed.lastReceivedAt.toISOString(),
        lastChangedAt: feed.lastChangedAt?.toISOString() ?? null,
      })),
    };
  }

  @Put(':kind')
  @HttpCode(200)
  @Roles('1c')
  @Idempotent({ maxStoredBodyBytes: BATCH_ANSWER_LIMIT_BYTES })
  @BodyLimit(() => BATCH_BODY_LIMIT_BYTES)
  @ApiOperation({
    summary: 'Create or update up to 1,000 records of one kind, each on its own',
    description:
      `Kinds: ${KINDS_DOC}. Each item is validated and applied on its own by the version rules and answered in ` +
      'input order: `created`, `updated`, `unchanged` (same content: nothing written, nothing sent to Bitrix24) or ' +
      '`rejected` with field paths and codes (`INVALID_FIELD`, `UNKNOWN_REFERENCE`, `STALE_VERSION`, ' +
      '`DUPLICATE_IN_BATCH`); one bad item never stops the others. Decimals are strings. Body up to 8 MiB.',
  })
  @ApiBody({ type: MasterDataBatchDto })
  @ApiOkResponse({ type: MasterDataBatchResultDto })
  @ApiProblemResponses(400, 401, 403, 413, 415)
  async put(@Param() { kind }: KindParamDto, @Body() body: MasterDataBatchDto): Promise<MasterDataBatchResultDto> {
    return toBatchResultDto(kind, await this.masterData.applyBatch(kind, toBatchItems(kind, body.items)));
  }

  /**
   * Not `@Idempotent`: marking deleted is idempotent in itself (a repeat answers `unchanged`), so a retry needs no
   * key to be safe.
   */
  @Delete(':kind/:id')
  @Roles('1c')
  @ApiOperation({
    summary: "Set 1C's deletion mark on a record (by our id or 1C's id)",
    description:
      'The row is kept with its content and version, hidden from default reads, and deactivated in Bitrix24; only ' +
      'a newer version from 1C brings it back. Already deleted: `unchanged`.',
  })
  @ApiOkResponse({ type: MasterDataDeletionDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async delete(@Param() { kind, id }: KindIdParamDto): Promise<MasterDataDeletionDto> {
    const { outcome, row } = await this.masterData.markDeleted(kind, id);
    return { status: outcome, item: toWireRow(row) };
  }

  @Get(':kind')
  @Roles('admin', '1c', 'courier')
  @ApiOperation({
    summary: 'Records of one kind in change order, with a keyset cursor',
    description:
      `Kinds: ${KINDS_DOC}. A courier reads products, prices, stock, counterparties, warehouses and units only. ` +
      'Deleted rows, and rows the last full snapshot from 1C left out, only with `include_deleted=true`. A filter ' +
      'the kind does not have is a 400. Walking the pages from the start (or from a kept cursor) sees every change ' +
      'once, in the order it committed.',
  })
  @ApiOkResponse({ type: MasterDataPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(
    @Param() { kind }: KindParamDto,
    @Query() query: MasterDataListQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MasterDataPageDto> {
    this.masterData.assertReadable(kind, principal);
    const page = await this.masterData.list(kind, toListRequest(kind, query));
    return { ...page, items: page.items.map(toWireRow) };
  }

  @Get(':kind/:id')
  @Roles('admin', '1c', 'courier')
  @ApiOperation({
    summary: "One record by our id or 1C's id; a product with its variants",
    description: 'Deleted and inactive records too (see `deleted` and `active`).',
  })
  @ApiOkResponse({ schema: ROW_SCHEMA })
  @ApiProblemResponses(400, 401, 403, 404)
  async get(@Param() { kind, id }: KindIdParamDto, @CurrentPrincipal() principal: Principal): Promise<WireRow> {
    this.masterData.assertReadable(kind, principal);
    const { row, variants } = await this.masterData.get(kind, id);
    return variants === undefined ? toWireRow(row) : { ...toWireRow(row), variants: variants.map(toWireRow) };
  }
}
