import { AppConfig } from '@app/core';
import { Injectable } from '@nestjs/common';
import { Bitrix24Client } from '../client/bitrix24-client';
import { Bitrix24Error } from '../client/bitrix24-error';
import { userMapping, type UserMapping } from '../mapping/bitrix24-mapping';
import { idOf } from '../mapping/entity-codec';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';
import { CourierDirectory, type Courier } from '../ports/courier-directory.port';

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
    const mapping = userMapping(this.mappings.mapping);
    if (this.config.bitrix24.authMode === 'unconfigured' || !mapping) {
      throw new Bitrix24Error('unavailable', 'BITRIX24_NOT_MAPPED', 'No entity kind is mapped as portal users', {
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
