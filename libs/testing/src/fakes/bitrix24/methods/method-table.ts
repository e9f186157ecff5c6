import type { ProductRowStore } from '../product-rows';
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
  productRows: ProductRowStore;
  statuses: StatusStore;
  catalog: CatalogStore;
  users: UserStore;
  tasks: TaskStore;
  hub: EventHub;
  catalogIblockIds: number[];
}

/** An application installed on the portal, as `app.info` describes it to a holder of one of its tokens. */
export interface InstalledApplication {
  /** `ID`: the installation's local id on the portal. */
  id: number;
  /** `CODE`: a local application's code is its client id (`local.<hex>.<digits>`). */
  clientId: string;
  /** `STATUS`: `L` local, `F` free, `P` paid, … */
  status: string;
}

export interface CallContext {
  authKind: AuthKind;
  origin: Origin;
  portal: Portal;
  /** The application whose access token made the call; absent for an incoming webhook. */
  application?: InstalledApplication;
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
