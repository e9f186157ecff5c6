import { toList } from '../php-values';
import { listResult, type MethodTable } from './method-table';

/** `catalog.product.*` (protocol doc §3.3): add/update answer `element`, get `product`, list `products`. */
export const catalogMethods: MethodTable = {
  'catalog.product.add': {
    handler: (params, { portal, origin }) => ({
      result: { element: portal.catalog.present(portal.catalog.add(params.fields, origin)) },
    }),
  },
  'catalog.product.update': {
    handler: (params, { portal, origin }) => ({
      result: { element: portal.catalog.present(portal.catalog.update(params.id, params.fields, origin)) },
    }),
  },
  'catalog.product.get': {
    handler: (params, { portal }) => ({ result: { product: portal.catalog.present(portal.catalog.get(params.id)) } }),
  },
  'catalog.product.list': {
    handler: (params, { portal }) => {
      const page = portal.catalog.list(params);
      const select = toList(params.select).map(String);
      return listResult({ products: page.page.map((product) => portal.catalog.present(product, select)) }, page);
    },
  },
  'catalog.catalog.list': {
    handler: (_params, { portal }) => {
      const catalogs = portal.catalogIblockIds.map((iblockId) => ({
        iblockId,
        id: iblockId,
        name: 'Product catalog',
        productIblockId: null,
        skuPropertyId: null,
        subscription: 'N',
        vatId: null,
        yandexExport: 'N',
      }));
      return listResult({ catalogs }, { total: catalogs.length });
    },
  },
};
