import { intParam, stringParam } from '../php-values';
import { paginate } from '../query';
import { paramCi, type Params } from '../request-params';
import { restErrors } from '../rest-error';
import { listResult, type MethodTable } from './method-table';

function entityTypeId(params: Params): number {
  if (params.entityTypeId === undefined) {
    throw restErrors.missingParameter('entityTypeId');
  }
  return intParam(params.entityTypeId);
}

function required(params: Params, name: string): unknown {
  if (params[name] === undefined) {
    throw restErrors.missingParameter(name);
  }
  return params[name];
}

function originalUfNames(params: Params): boolean {
  return params.useOriginalUfNames === 'Y' || params.useOriginalUfNames === true;
}

/** `crm.item.*` (the universal API, protocol doc §3.2) and the legacy `crm.status.list`. */
export const crmMethods: MethodTable = {
  'crm.item.add': {
    handler: (params, { portal, origin }) => {
      const item = portal.crm.add(entityTypeId(params), required(params, 'fields'), origin);
      return { result: { item: portal.crm.present(item, undefined, originalUfNames(params)) } };
    },
  },
  'crm.item.update': {
    handler: (params, { portal, origin }) => {
      const type = entityTypeId(params);
      const item = portal.crm.update(type, required(params, 'id'), required(params, 'fields'), origin);
      return { result: { item: portal.crm.present(item, undefined, originalUfNames(params)) } };
    },
  },
  'crm.item.get': {
    handler: (params, { portal }) => {
      const item = portal.crm.get(entityTypeId(params), required(params, 'id'));
      return { result: { item: portal.crm.present(item, undefined, originalUfNames(params)) } };
    },
  },
  'crm.item.list': {
    handler: (params, { portal }) => {
      const page = portal.crm.list(entityTypeId(params), params);
      const items = page.page.map((item) => portal.crm.present(item, params.select, originalUfNames(params)));
      return listResult({ items }, page);
    },
  },
  'crm.item.delete': {
    handler: (params, { portal, origin }) => {
      portal.crm.delete(entityTypeId(params), required(params, 'id'), origin);
      // Success is an empty PHP array (crm.item.delete docs).
      return { result: [] };
    },
  },
  'crm.item.fields': {
    handler: (params, { portal }) => ({ result: { fields: portal.crm.describe(entityTypeId(params)) } }),
  },
  'crm.item.productrow.set': {
    handler: (params, { portal }) => ({
      result: {
        productRows: portal.productRows.set(
          required(params, 'ownerType'),
          required(params, 'ownerId'),
          params.productRows,
        ),
      },
    }),
  },
  'crm.item.productrow.list': {
    // Rows of one owner only (the portal refuses a list without both), in `sort` order, paged by 50 like every
    // list method: `next` while rows remain.
    handler: (params, { portal }) => {
      const filter = paramCi(params, 'filter');
      const value = (name: string) => (filter && typeof filter === 'object' ? (filter as Params)[name] : undefined);
      const ownerType = value('=ownerType') ?? value('ownerType');
      const ownerId = value('=ownerId') ?? value('ownerId');
      if (ownerType === undefined || ownerId === undefined) {
        throw restErrors.missingParameter('filter[=ownerType], filter[=ownerId]');
      }
      const rows = portal.productRows.list(stringParam(ownerType), intParam(ownerId));
      const page = paginate(rows, params.start);
      return listResult({ productRows: page.page }, page);
    },
  },
  'crm.status.list': {
    handler: (params, { portal }) => {
      const page = portal.statuses.list({
        filter: paramCi(params, 'filter'),
        order: paramCi(params, 'order'),
        start: params.start,
      });
      return listResult(page.page, page);
    },
  },
  'crm.category.list': {
    handler: (params, { portal }) => {
      const categories = portal.crm.categories(entityTypeId(params));
      return listResult({ categories }, { total: categories.length });
    },
  },
};
