import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Bitrix24SyncCursorEntity } from './sync-cursor.entity';

@Injectable()
export class SyncCursors {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get<T extends Record<string, unknown>>(name: string): Promise<T | undefined> {
    const row = await this.dataSource.getRepository(Bitrix24SyncCursorEntity).findOneBy({ name });
    return row?.value as T | undefined;
  }

  async set(name: string, value: Record<string, unknown>): Promise<void> {
    await this.dataSource
      .getRepository(Bitrix24SyncCursorEntity)
      .upsert({ name, value: value as never, updatedAt: new Date() }, ['name']);
  }

  async all(): Promise<Bitrix24SyncCursorEntity[]> {
    return this.dataSource.getRepository(Bitrix24SyncCursorEntity).find({ order: { name: 'ASC' } });
  }
}
