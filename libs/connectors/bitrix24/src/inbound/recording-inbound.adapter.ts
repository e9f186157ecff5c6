import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Bitrix24InboundChangeEntity } from './inbound-change.entity';
import { Bitrix24InboundPort, InboundChange } from './inbound-change.port';

/** The default {@link Bitrix24InboundPort} until the domain modules exist: records and logs each change. */
@Injectable()
export class RecordingInboundAdapter extends Bitrix24InboundPort {
  private readonly logger = new Logger(RecordingInboundAdapter.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async apply(change: InboundChange): Promise<void> {
    await this.dataSource.getRepository(Bitrix24InboundChangeEntity).insert({
      kind: change.kind,
      externalId: change.externalId ?? null,
      bitrixId: change.bitrixId,
      entityTypeId: change.entityTypeId ?? null,
      deleted: change.deleted,
      fields: change.fields as never,
      status: change.status ?? null,
      remoteUpdatedAt: change.remoteUpdatedAt ?? null,
      source: change.source,
    });
    this.logger.log(
      `Bitrix24 change recorded: ${change.kind} ${change.bitrixId}${change.deleted ? ' (deleted)' : ''} via ${change.source}`,
    );
  }
}
