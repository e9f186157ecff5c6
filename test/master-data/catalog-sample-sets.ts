import { dirname } from 'node:path';
import type { FakeOnecFile } from '@app/testing';
import { sharedCommerceMlFixture } from '../../libs/connectors/onec/test-fixtures/fixture-paths';

/**
 * Every catalog sample, as the exchange sets 1C would send them together (the classifier, goods and offers of one
 * export). Order files are the sale exchange's and other repositories' commits are other exports, so they form
 * sets of their own.
 */
export const CATALOG_SAMPLE_SETS: readonly (readonly string[])[] = [
  [
    'TurumburumStudio-ExchangeCommerceML/storage/xml/classifier.xml',
    'TurumburumStudio-ExchangeCommerceML/storage/xml/import.xml',
    'TurumburumStudio-ExchangeCommerceML/storage/xml/offers.xml',
    'TurumburumStudio-ExchangeCommerceML/storage/xml/prices.xml',
    'TurumburumStudio-ExchangeCommerceML/storage/xml/rests.xml',
  ],
  ['TurumburumStudio-ExchangeCommerceML/storage/xml/import_2.10_at_be8d909.xml'],
  ['bigperson-exchange1c/tests/xml/import.xml', 'bigperson-exchange1c/tests/xml/offers.xml'],
  ['carono-yii2-1c-exchange/files/xml/import.xml', 'carono-yii2-1c-exchange/files/xml/offers.xml'],
  ['dobromyslov-commerceml-parser/data/import0_1.xml', 'dobromyslov-commerceml-parser/data/offers0_1.xml'],
  ['dobromyslov-commerceml-parser/data/import0_1_with_nested_groups.xml'],
  [
    'irpsv-commerceml/tests/assets/bitrix-module-6/import.xml',
    'irpsv-commerceml/tests/assets/bitrix-module-6/goods/1/import.xml',
    'irpsv-commerceml/tests/assets/bitrix-module-6/goods/1/offers.xml',
    'irpsv-commerceml/tests/assets/bitrix-module-6/goods/1/prices.xml',
    'irpsv-commerceml/tests/assets/bitrix-module-6/goods/1/rests.xml',
  ],
  ['irpsv-commerceml/tests/assets/off-doc-1c/import.xml', 'irpsv-commerceml/tests/assets/off-doc-1c/offers.xml'],
  ['irpsv-commerceml/tests/assets/umi-cms/import.xml', 'irpsv-commerceml/tests/assets/umi-cms/offers.xml'],
];

/** The file name 1C would upload: the path below the set's common folder (two `import.xml` stay apart). */
export function filesOf(set: readonly string[]): FakeOnecFile[] {
  const root = set.map(dirname).reduce((common, dir) => {
    while (!`${dir}/`.startsWith(`${common}/`)) {
      common = dirname(common);
    }
    return common;
  });
  return set.map((path) => ({ name: path.slice(root.length + 1), path: sharedCommerceMlFixture(path) }));
}
