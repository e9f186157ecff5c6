import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type NotifierMessageStatus = 'pending' | 'sent';

/**
 * One alert transition waiting for, or delivered to, one channel target (the Slack webhook, one Telegram chat).
 * Per target on purpose: when Slack took a message and Telegram failed, only Telegram's row stays pending, so a
 * retry never repeats the message in Slack. The unique key makes a repeated publication of a transition harmless.
 */
@Entity({ name: 'notifier_messages' })
@Unique('uq_notifier_messages_transition', ['channel', 'alertId', 'transition'])
@Index('idx_notifier_messages_pending', ['channel', 'id'], { where: `status = 'pending'` })
export class NotifierMessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** `slack` or `telegram:<chat id>`: the outbox subject that serialises this target's flushes. */
  @Column({ type: 'text' })
  channel!: string;

  @Column({ type: 'text' })
  alertId!: string;

  @Column({ type: 'text' })
  transition!: 'opened' | 'resolved';

  @Column({ type: 'text' })
  severity!: string;

  /** The alert as published (`since` as an ISO string), rendered when the message is sent. */
  @Column({ type: 'jsonb' })
  alert!: Record<string, unknown>;

  @Column({ type: 'text', default: 'pending' })
  status!: NotifierMessageStatus;

  /** `single` or `digest`: how it reached the channel. */
  @Column({ type: 'text', nullable: true })
  sentAs!: 'single' | 'digest' | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
