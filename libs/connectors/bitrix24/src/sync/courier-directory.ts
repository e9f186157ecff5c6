import { AppConfig } from '@app/core';
import { Injectable } from '@nestjs/common';
import { Bitrix24Client } from '../client/bitrix24-client';
import { Bitrix24Error } from '../client/bitrix24-error';
import type { UserMapping } from '../mapping/bitrix24-mapping';
import { idOf } from '../mapping/entity-codec';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';

/** A courier as a portal user: the user id, our id from the mapped user field, and the mapped fields. */
export interface Courier {
  readonly bitrixUserId: string;
  /** Our (1C) courier id from `externalIdField`; absent for users not linked to a courier yet. */
  readonly externalId?: string;
  readonly active: boolean;
  /** Our field names, mapped back from the user's fields. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Port: couriers are Bitrix24 users (`user.get`); the connector never creates them. Reads are keyset-paged and
 * retried; errors are IntegrationErrors.
 */
export abstract class CourierDirectory {
  /** Active users that carry a courier id in the mapped user field. */
  abstract listCouriers(): Promise<Courier[]>;
  abstract findByExternalId(externalId: string): Promise<Courier | undefined>;
}

@Injectable()
export class Bitrix24CourierDirectory extends CourierDirectory {
  constructor(
    private readonly config: AppConfig,
    private readonly client: Bitrix24Client,
    private readonly mappings: Bitrix24MappingProvider,
  ) {
    super();
  }

  async listCouriers(): Promise<Courier[]> {
    const mapping = this.mapping();
    const couriers: Courier[] = [];
    for await (const rows of this.client.listAll<Record<string, unknown>>(
      'user.get',
      { filter: { ACTIVE: true } },
      { idField: 'ID' },
    )) {
      couriers.push(
        ...rows.map((row) => toCourier(mapping, row)).filter((courier) => courier.externalId !== undefined),
      );
    }
    return couriers;
  }

  async findByExternalId(externalId: string): Promise<Courier | undefined> {
    const mapping = this.mapping();
    const answer = await this.client.call<Array<Record<string, unknown>>>(
      'user.get',
      { filter: { [mapping.externalIdField]: externalId } },
      { write: false },
    );
    const [row] = Array.isArray(answer.result) ? answer.result : [];
    return row ? toCourier(mapping, row) : undefined;
  }

  private mapping(): UserMapping {
    const mapping = this.mappings.mapping.entities.courier;
    if (this.config.bitrix24.authMode === 'unconfigured' || mapping?.representation !== 'user') {
      throw new Bitrix24Error('unavailable', 'BITRIX24_NOT_MAPPED', 'Couriers have no Bitrix24 mapping', {
        outcome: 'not_sent',
        retryAt: new Date(Date.now() + 5 * 60_000),
      });
    }
    return mapping;
  }
}

function toCourier(mapping: UserMapping, row: Record<string, unknown>): Courier {
  const external = row[mapping.externalIdField];
  const fields: Record<string, unknown> = {};
  for (const [ours, code] of Object.entries(mapping.fields)) {
    if (code in row) {
      fields[ours] = row[code];
    }
  }
  return {
    bitrixUserId: idOf(row.ID),
    ...(typeof external === 'string' && external !== '' ? { externalId: external } : {}),
    active: row.ACTIVE === true || row.ACTIVE === 'Y',
    fields,
  };
}
