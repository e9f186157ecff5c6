import { isRecord } from '../php-values';
import type { Params } from '../request-params';
import { listResult, type MethodTable } from './method-table';

const CONTROL_KEYS = new Set(['filter', 'sort', 'order', 'start', 'admin_mode']);
const OPERATOR = /^(>=|<=|!=|>|<|!|=|%|@)/;

/**
 * user.get takes its filter as FILTER or as top-level fields (`{"ID": 5}`), reads `NAME: "Iv%"` as a pattern,
 * and silently ignores fields it does not know, such as SDK tracking parameters.
 */
function userFilter(params: Params, known: (field: string) => boolean): Record<string, unknown> {
  const explicit = Object.entries(params).find(([key]) => key.toLowerCase() === 'filter')?.[1];
  const source = isRecord(explicit)
    ? explicit
    : Object.fromEntries(Object.entries(params).filter(([key]) => !CONTROL_KEYS.has(key.toLowerCase())));
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (!known(key.replace(OPERATOR, ''))) {
      continue;
    }
    const pattern = !OPERATOR.test(key) && typeof value === 'string' && value.includes('%');
    filter[pattern ? `=%${key}` : key] = value;
  }
  return filter;
}

function userOrder(params: Params): unknown {
  const order = Object.entries(params).find(([key]) => key.toLowerCase() === 'order')?.[1];
  if (isRecord(order)) {
    return order;
  }
  const sort = Object.entries(params).find(([key]) => key.toLowerCase() === 'sort')?.[1];
  return { [typeof sort === 'string' ? sort : 'ID']: typeof order === 'string' ? order : 'ASC' };
}

/** Couriers are portal users (protocol doc §3.5). */
export const userMethods: MethodTable = {
  'user.get': {
    handler: (params, { portal }) => {
      const page = portal.users.list({
        filter: userFilter(params, (field) => portal.users.knows(field)),
        order: userOrder(params),
        start: params.start,
      });
      return listResult(page.page, page);
    },
  },
};
