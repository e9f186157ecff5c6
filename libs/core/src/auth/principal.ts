export const ROLES = ['1c', 'courier', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling, as proven by a verified token. */
export interface Principal {
  readonly subject: string;
  readonly roles: readonly Role[];
  /** Set for courier tokens: repositories restrict a courier to its own records with it. */
  readonly courierId?: string;
}

/** A stable string naming the principal, used to scope idempotency keys and to record who did what. */
export function principalKey(principal: Principal): string {
  return `${principal.subject}|${[...principal.roles].sort().join(',')}`;
}

/**
 * The courier a list is narrowed to. A courier token sees its own records only, so its filter for another courier
 * matches nothing (`null`: answer an empty list, never someone else's); admins and 1C see what they ask for.
 */
export function courierScope(principal: Principal, requested: string | undefined): string | undefined | null {
  if (principal.roles.includes('admin') || principal.roles.includes('1c')) {
    return requested;
  }
  return requested !== undefined && requested !== principal.courierId ? null : (principal.courierId ?? '');
}
