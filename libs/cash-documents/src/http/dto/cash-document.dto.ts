import { AuditHistoryEntryDto } from '@app/audit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CourierBalance } from '../../application/ports/cash-book.port';
import type { CourierCash } from '../../application/cash-documents.service';
import {
  CASH_DOCUMENT_KINDS,
  CASH_OPERATION_NAMES,
  CASH_OPERATIONS,
  type CashDocument,
} from '../../domain/cash-document';
import { CASH_DOCUMENT_STATUSES } from '../../domain/cash-document-status';
import { ExpenseLineDto, SettlementDto } from './cash-document-request.dto';

export class OnecPostingViewDto {
  @ApiProperty() documentNumber!: string;
  @ApiProperty({ format: 'date' }) documentDate!: string;
  @ApiProperty({ example: '1500.00', description: 'What 1C posted: the ledger moved by it.' }) amount!: string;
  @ApiProperty({ format: 'date-time' }) postedAt!: string;
}

export class CashDocumentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'КД-000042' }) number!: string;
  @ApiProperty({ enum: CASH_DOCUMENT_KINDS }) kind!: string;
  @ApiProperty({ enum: CASH_OPERATION_NAMES }) operation!: string;
  @ApiProperty({ example: 'Поступление оплаты от клиента' }) onecOperation!: string;
  @ApiProperty({ enum: CASH_DOCUMENT_STATUSES }) status!: string;
  @ApiProperty() courierId!: string;
  @ApiProperty({ nullable: true, type: 'string' }) cashDeskId!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) counterpartyId!: string | null;
  @ApiProperty({ example: '1500.00' }) amount!: string;
  @ApiProperty({ example: 'RUB' }) currency!: string;
  @ApiProperty({ nullable: true, type: 'string' }) purpose!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) cashFlowItem!: string | null;
  @ApiProperty({ nullable: true, type: 'string' }) vatIncluded!: string | null;
  @ApiProperty({ type: [SettlementDto] }) settles!: SettlementDto[];
  @ApiProperty({ nullable: true, type: 'string', format: 'uuid' }) advanceId!: string | null;
  @ApiProperty({ type: [ExpenseLineDto] }) lines!: ExpenseLineDto[];
  @ApiProperty({ enum: ['courier', 'admin', '1c', 'system'] }) origin!: string;
  @ApiProperty({ nullable: true, type: OnecPostingViewDto }) onec!: OnecPostingViewDto | null;
  @ApiProperty({ nullable: true, type: 'string' }) rejectionReason!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time' }) submittedAt!: string | null;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time' }) sentAt!: string | null;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CashDocumentPageDto {
  @ApiProperty({ type: [CashDocumentDto] }) items!: CashDocumentDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class CashDocumentWithHistoryDto extends CashDocumentDto {
  @ApiProperty({ type: [AuditHistoryEntryDto], description: 'Every change, oldest first.' })
  history!: AuditHistoryEntryDto[];
}

export function toCashDocumentDto(document: CashDocument): CashDocumentDto {
  return {
    id: document.id,
    number: document.number,
    kind: document.kind,
    operation: document.operation,
    onecOperation: CASH_OPERATIONS[document.operation].onec,
    status: document.status,
    courierId: document.courierId,
    cashDeskId: document.cashDeskId,
    counterpartyId: document.counterpartyId,
    amount: document.amount,
    currency: 'RUB',
    purpose: document.purpose,
    cashFlowItem: document.cashFlowItem,
    vatIncluded: document.vatIncluded,
    settles: document.settles.map((item) => ({
      ...item,
      fiscalReceipt: item.fiscalReceipt ? { ...item.fiscalReceipt, vat: [...item.fiscalReceipt.vat] } : undefined,
    })),
    advanceId: document.advanceId,
    lines: document.lines.map((line) => ({ ...line, description: line.description ?? undefined })),
    origin: document.origin,
    onec: document.onec ? { ...document.onec, postedAt: document.onec.postedAt.toISOString() } : null,
    rejectionReason: document.rejectionReason,
    submittedAt: document.submittedAt?.toISOString() ?? null,
    sentAt: document.sentAt?.toISOString() ?? null,
    version: document.version,
    createdAt: document.createdAt.toISOString(),
    updatedAt: document.updatedAt.toISOString(),
  };
}

export class CourierBalanceDto {
  @ApiProperty() courierId!: string;
  @ApiProperty({ example: '1500.00', description: 'Customers’ cash the courier holds: collected less handed in.' })
  cashOnHand!: string;
  @ApiProperty({ example: '5000.00', description: 'Advances issued less what reports and returned rests closed.' })
  advances!: string;
  @ApiProperty({ nullable: true, type: 'string', format: 'date-time', description: 'The oldest cash not handed in.' })
  oldestOpenCollectionAt!: string | null;
}

export class BalancePageDto {
  @ApiProperty({ type: [CourierBalanceDto] }) items!: CourierBalanceDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class OpenCollectionDto {
  @ApiProperty({ enum: ['delivery', 'instant_order'] }) type!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ example: '1500.00' }) amount!: string;
  @ApiProperty({ example: '1500.00', description: 'What the sale called for.' }) expected!: string;
  @ApiProperty({ format: 'date-time' }) collectedAt!: string;
}

export class OpenAdvanceDto {
  @ApiProperty({ type: CashDocumentDto }) document!: CashDocumentDto;
  @ApiProperty({ example: '1800.00' }) outstanding!: string;
}

export class CourierCashDto extends CourierBalanceDto {
  @ApiProperty({ nullable: true, type: 'string' }) name!: string | null;
  @ApiProperty({ type: [OpenCollectionDto], description: 'Cash to hand in, oldest first.' })
  openCollections!: OpenCollectionDto[];
  @ApiProperty({ type: [OpenAdvanceDto] }) openAdvances!: OpenAdvanceDto[];
  @ApiProperty({ type: [CashDocumentDto], description: 'Documents not posted yet: the balance moves when 1C posts.' })
  pendingDocuments!: CashDocumentDto[];
}

export function toCourierBalanceDto(balance: CourierBalance): CourierBalanceDto {
  return {
    courierId: balance.courierId,
    cashOnHand: balance.cashOnHand,
    advances: balance.advances,
    oldestOpenCollectionAt: balance.oldestOpenCollectionAt?.toISOString() ?? null,
  };
}

export function toCourierCashDto(cash: CourierCash): CourierCashDto {
  return {
    ...toCourierBalanceDto(cash),
    name: cash.name,
    openCollections: cash.openCollections.map((item) => ({
      type: item.type,
      id: item.id,
      number: item.number,
      amount: item.amount,
      expected: item.expected,
      collectedAt: item.collectedAt.toISOString(),
    })),
    openAdvances: cash.openAdvances.map((item) => ({
      document: toCashDocumentDto(item.document),
      outstanding: item.outstanding,
    })),
    pendingDocuments: cash.pendingDocuments.map(toCashDocumentDto),
  };
}
