import { Column, Entity, PrimaryColumn } from 'typeorm';

export type OAuthInstallationStatus = 'active' | 'revoked' | 'reauthorize';

/**
 * The local application's installation on a portal: tokens from ONAPPINSTALL, rotated on every refresh. One row per
 * portal (`member_id`). Never logged; the admin status shows only timestamps and the status.
 */
@Entity({ name: 'bitrix24_oauth_installations' })
export class Bitrix24OAuthInstallationEntity {
  @PrimaryColumn({ type: 'text' })
  memberId!: string;

  @Column({ type: 'text' })
  domain!: string;

  /** Where refreshes go (`server_endpoint` of the install call, checked against the allowlist). */
  @Column({ type: 'text' })
  serverEndpoint!: string;

  @Column({ type: 'text' })
  accessToken!: string;

  @Column({ type: 'text' })
  refreshToken!: string;

  /** The secret outbound events of this installation carry in `auth[application_token]`. */
  @Column({ type: 'text' })
  applicationToken!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'text', default: '' })
  scope!: string;

  @Column({ type: 'text', default: 'active' })
  status!: OAuthInstallationStatus;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  installedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  refreshedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  refreshCount!: number;
}
