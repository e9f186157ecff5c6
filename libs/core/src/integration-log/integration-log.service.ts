import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { RequestContext } from '../context/request-context';
import { redactSecrets, redactText, redactUrl } from '../logging/redaction';
import { IntegrationDirection, IntegrationLogEntity, IntegrationOutcome } from './integration-log.entity';

export interface IntegrationLogRecord {
  readonly direction: IntegrationDirection;
  readonly system: string;
  readonly operation: string;
  readonly outcome: IntegrationOutcome;
  readonly entityType?: string;
  readonly entityId?: string;
  readonly httpMethod?: string;
  readonly url?: string;
  readonly httpStatus?: number;
  readonly durationMs?: number;
  /** Objects are redacted key by key; strings and buffers are capped only. */
  readonly requestBody?: unknown;
  readonly responseBody?: unknown;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Defaults to the current request context's id. */
  readonly requestId?: string;
}

/**
 * Writes IntegrationLog rows. It uses the pool directly, never the ambient business transaction: a call that
 * failed and rolled the business change back must still leave its trace.
 */
@Injectable()
export class IntegrationLogService {
  private readonly logger = new Logger(IntegrationLogService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async record(entry: IntegrationLogRecord): Promise<void> {
    try {
      await this.dataSource.getRepository(IntegrationLogEntity).insert({
        direction: entry.direction,
        system: entry.system,
        operation: entry.operation,
        outcome: entry.outcome,
        requestId: entry.requestId ?? RequestContext.requestId() ?? null,
        entityType: entry.entityType ?? null,
        entityId: entry.entityId ?? null,
        httpMethod: entry.httpMethod ?? null,
        url: entry.url ? redactUrl(entry.url) : null,
        httpStatus: entry.httpStatus ?? null,
        durationMs: entry.durationMs === undefined ? null : Math.round(entry.durationMs),
        requestBody: this.serialise(entry.requestBody),
        responseBody: this.serialise(entry.responseBody),
        errorCode: entry.errorCode ?? null,
        errorMessage: entry.errorMessage?.slice(0, 2_000) ?? null,
      });
    } catch (error) {
      // Losing a log row must never fail the exchange it describes; the pino line still records it.
      this.logger.error(
        { err: error, system: entry.system, operation: entry.operation },
        'IntegrationLog write failed',
      );
    }
  }

  private serialise(body: unknown): string | null {
    if (body === undefined || body === null) {
      return null;
    }
    let text: string;
    if (typeof body === 'string') {
      text = redactText(body);
    } else if (Buffer.isBuffer(body)) {
      text = redactText(body.toString('utf8'));
    } else {
      text = JSON.stringify(redactSecrets(body));
    }
    const limit = this.config.integrationLog.maxBodyBytes;
    if (Buffer.byteLength(text) <= limit) {
      return text;
    }
    const cut = Buffer.from(text).subarray(0, limit).toString('utf8');
    return `${cut}…[truncated ${Buffer.byteLength(text) - Buffer.byteLength(cut)} bytes]`;
  }
}
