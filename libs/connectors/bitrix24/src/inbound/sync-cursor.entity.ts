import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Progress of the reconcile per mapped entity and of the offline-queue drain (last run, for the status). */
@Entity({ name: 'bitrix24_sync_cursors' })
export class Bitrix24SyncCursorEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb' })
  value!: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
