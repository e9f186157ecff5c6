import { IntegrationError } from '@app/core';
import { EventConsumer, type CloudEvent, type EventHandler } from '@app/events';
import { Injectable } from '@nestjs/common';
import { isMasterDataKind } from '../domain/master-data-kind';
import type { ChangedEntity } from '../application/ports/change-announcer.port';
import { MASTER_DATA_BITRIX24_DESTINATION, MASTER_DATA_CHANGED } from '../application/propagation.events';
import { PropagationService } from '../application/propagation.service';

/**
 * Jobs in flight per worker: each waits on the connector's batcher, which packs concurrent writes into batches of 50
 * commands; a standard portal takes about two batches a second, so about 100 keep them full.
 */
const CONCURRENCY = 100;

/** Thin: a changed mirror entity to the propagation, which writes its Bitrix24 copy. */
@Injectable()
@EventConsumer({ destination: MASTER_DATA_BITRIX24_DESTINATION, transactional: false, concurrency: CONCURRENCY })
export class MasterDataPropagationConsumer implements EventHandler<unknown> {
  constructor(private readonly propagation: PropagationService) {}

  async handle(event: CloudEvent<unknown>): Promise<void> {
    if (event.type !== MASTER_DATA_CHANGED) {
      throw invalid(`unknown event type ${event.type}`);
    }
    await this.propagation.propagate(changeOf(event.data), new Date(event.time));
  }
}

function changeOf(data: unknown): ChangedEntity {
  const { kind, onecId } = (data ?? {}) as Record<string, unknown>;
  if (!isMasterDataKind(kind) || typeof onecId !== 'string' || onecId === '') {
    throw invalid('data must be { kind, onecId } of a mirrored entity');
  }
  return { kind, onecId };
}

function invalid(message: string): IntegrationError {
  return new IntegrationError('permanent', 'MASTER_DATA_INVALID_EVENT', `Master-data change: ${message}`);
}
