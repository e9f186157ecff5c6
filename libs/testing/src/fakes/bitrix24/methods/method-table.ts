import type { CatalogStore } from '../catalog-store';
import type { CrmStore } from '../crm-store';
import type { EventHub, Origin } from '../events/event-hub';
import type { Params } from '../request-params';
import type { StatusStore } from '../status-store';
import type { TaskStore } from '../task-store';
import type { AuthKind } from '../types';
import type { UserStore } from '../user-store';

export interface Portal {
  crm: CrmStore;
  statuses: StatusStore;
  catalog: CatalogStore;
  users: UserStore;
  tasks: TaskStore;
  hub: EventHub;
  catalogIblockIds: number[];
}

export interface CallContext {
  authKind: AuthKind;
  origin: Origin;
  portal: Portal;
}

/** A method's answer before the envelope: `total`/`next` only for list methods. */
export interface MethodResult {
  result: unknown;
  total?: number;
  next?: number;
}

export interface MethodDef {
  handler(params: Params, ctx: CallContext): MethodResult;
  /** event.* needs application (OAuth) authorization; webhooks get WRONG_AUTH_TYPE (protocol doc §1.1). */
  appOnly?: boolean;
}

export type MethodTable = Record<string, MethodDef>;

/** A list page as the envelope carries it. */
export function listResult(result: unknown, page: { total?: number; next?: number }): MethodResult {
  return { result, total: page.total, next: page.next };
}
