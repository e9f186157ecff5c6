import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminAuditEntity } from '../audit/admin-audit.entity';
import { IdempotencyKeyEntity } from '../idempotency/idempotency-key.entity';
import { IntegrationLogEntity } from '../integration-log/integration-log.entity';
import { isRequestQuery, type TraceEntry, type TraceQuery, TraceSource } from './trace-source';

/**
 * The core's rows: the exchanges with 1C and Bitrix24 (IntegrationLog), the operators' actions (admin audit) and the
 * request itself. There is no table of requests: a state-changing request leaves its idempotency record (principal,
 * method, route, status, the start of its transaction), which is the `http_request` entry; a read or a job leaves none.
 */
@Injectable()
export class CoreTraceSource extends TraceSource {
  readonly name = 'core';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async entries(query: TraceQuery, limit: number): Promise<TraceEntry[]> {
    const [calls, actions, requests] = await Promise.all([
      this.integrationCalls(query, limit),
      this.adminActions(query, limit),
      isRequestQuery(query) ? this.requests(query.requestId, limit) : Promise.resolve([]),
    ]);
    return [...requests, ...actions, ...calls];
  }

  private async integrationCalls(query: TraceQuery, limit: number): Promise<TraceEntry[]> {
    const where = isRequestQuery(query)
      ? { requestId: query.requestId }
      : { entityType: query.entity.type, entityId: query.entity.id };
    const rows = await this.dataSource.getRepository(IntegrationLogEntity).find({
      select: {
        id: true,
        occurredAt: true,
        direction: true,
        system: true,
        operation: true,
        outcome: true,
        requestId: true,
        entityType: true,
        entityId: true,
        httpMethod: true,
        httpStatus: true,
        durationMs: true,
        errorCode: true,
      },
      where,
      order: { id: 'ASC' },
      take: limit,
    });
    return rows.map((row) => ({
      id: `integration_log:${row.id}`,
      at: row.occurredAt.toISOString(),
      kind: 'integration_call',
      source: this.name,
      summary:
        `${row.direction === 'outbound' ? '→' : '←'} ${row.system} ${row.operation}: ${row.outcome}` +
        (row.httpStatus === null ? '' : ` (HTTP ${row.httpStatus})`),
      requestId: row.requestId,
      ...(row.entityType && row.entityId ? { entity: { type: row.entityType, id: row.entityId } } : {}),
      details: {
        integrationLogId: row.id,
        direction: row.direction,
        system: row.system,
        operation: row.operation,
        outcome: row.outcome,
        httpMethod: row.httpMethod,
        httpStatus: row.httpStatus,
        durationMs: row.durationMs,
        errorCode: row.errorCode,
      },
    }));
  }

  private async adminActions(query: TraceQuery, limit: number): Promise<TraceEntry[]> {
    const where = isRequestQuery(query)
      ? { requestId: query.requestId }
      : { targetType: query.entity.type, targetId: query.entity.id };
    const rows = await this.dataSource
      .getRepository(AdminAuditEntity)
      .find({ where, order: { id: 'ASC' }, take: limit });
    return rows.map((row) => ({
      id: `admin_audit_log:${row.id}`,
      at: row.occurredAt.toISOString(),
      kind: 'admin_action',
      source: this.name,
      summary: `${row.actor}: ${row.action} ${row.targetType}:${row.targetId}${row.reason ? ` (${row.reason})` : ''}`,
      requestId: row.requestId,
      entity: { type: row.targetType, id: row.targetId },
      details: { adminAuditId: row.id, actor: row.actor, action: row.action, reason: row.reason },
    }));
  }

  private async requests(requestId: string, limit: number): Promise<TraceEntry[]> {
    const rows = await this.dataSource.getRepository(IdempotencyKeyEntity).find({
      select: { principal: true, method: true, route: true, responseStatus: true, requestId: true, createdAt: true },
      where: { requestId },
      order: { createdAt: 'ASC' },
      take: limit,
    });
    return rows.map((row) => ({
      id: `idempotency_keys:${row.principal}:${row.method}:${row.route}:${row.createdAt.toISOString()}`,
      at: row.createdAt.toISOString(),
      kind: 'http_request',
      source: this.name,
      summary:
        `${row.method} ${row.route} by ${row.principal}` +
        (row.responseStatus === 0 ? ' (no answer stored)' : `: ${row.responseStatus}`),
      requestId: row.requestId,
      // The key itself is the client's and says nothing more; the principal is a token subject, not a secret.
      details: { method: row.method, route: row.route, principal: row.principal, status: row.responseStatus },
    }));
  }
}
