import { AppConfig } from '@app/core';
import { Injectable } from '@nestjs/common';
import { Bitrix24Client } from '../client/bitrix24-client';
import { Bitrix24Error } from '../client/bitrix24-error';
import { Bitrix24EntityKinds } from '../kinds/entity-kinds';
import {
  CannotAdoptError,
  EntityCodec,
  isWritable,
  NoProductRowsError,
  UnmappedStatusError,
} from '../mapping/entity-codec';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';
import { InvalidFieldValueError } from '../mapping/multi-fields';
import type { Bitrix24Representation } from '../ports/entity-kind.port';

/** What the connector writes; each port narrows it to its own representations. Portal users are read only. */
export const WRITTEN_REPRESENTATIONS: readonly Bitrix24Representation[] = [
  'smart_process',
  'company',
  'contact',
  'catalog_product',
];

/** The codec of every mapped kind the connector writes, and the coded refusals of the ones it cannot. */
@Injectable()
export class EntityCodecs {
  private readonly codecs = new Map<string, EntityCodec>();

  constructor(
    config: AppConfig,
    private readonly client: Bitrix24Client,
    private readonly kinds: Bitrix24EntityKinds,
    mappings: Bitrix24MappingProvider,
  ) {
    for (const mapping of Object.values(mappings.mapping.entities)) {
      if (isWritable(mapping)) {
        this.codecs.set(mapping.kind, new EntityCodec(mapping, config.bitrix24.originatorId));
      }
    }
  }

  /**
   * The codec of `kind`, which the caller may write if it is one of `representations`; otherwise a coded error:
   * permanent `BITRIX24_INVALID_REQUEST` (not registered, or not writable here), unavailable `BITRIX24_UNCONFIGURED`
   * or `BITRIX24_NOT_MAPPED` (retried later).
   */
  forKind(kind: string, representations: readonly Bitrix24Representation[] = WRITTEN_REPRESENTATIONS): EntityCodec {
    const registered = this.kinds.get(kind);
    if (!registered || !representations.includes(registered.representation)) {
      throw new Bitrix24Error(
        'permanent',
        'BITRIX24_INVALID_REQUEST',
        registered
          ? `${kind} is a ${registered.representation} kind, which this request cannot write`
          : `${kind} is not a registered entity kind`,
        { outcome: 'not_sent' },
      );
    }
    if (!this.client.configured) {
      throw new Bitrix24Error('unavailable', 'BITRIX24_UNCONFIGURED', 'Bitrix24 is not configured', {
        outcome: 'not_sent',
        retryAt: new Date(Date.now() + 60_000),
      });
    }
    const codec = this.codecs.get(kind);
    if (!codec) {
      throw new Bitrix24Error('unavailable', 'BITRIX24_NOT_MAPPED', `${kind} has no Bitrix24 mapping`, {
        outcome: 'not_sent',
        retryAt: new Date(Date.now() + 5 * 60_000),
      });
    }
    return codec;
  }
}

/** The codec's refusals of a request as the errors the event backbone understands: permanent, nothing was sent. */
export function asCodedError(error: unknown): Error {
  if (error instanceof UnmappedStatusError) {
    return new Bitrix24Error('permanent', 'BITRIX24_UNMAPPED_STATUS', error.message, { outcome: 'not_sent' });
  }
  if (
    error instanceof InvalidFieldValueError ||
    error instanceof NoProductRowsError ||
    error instanceof CannotAdoptError
  ) {
    return new Bitrix24Error('permanent', 'BITRIX24_INVALID_REQUEST', error.message, { outcome: 'not_sent' });
  }
  return error instanceof Error ? error : new Error(String(error));
}
