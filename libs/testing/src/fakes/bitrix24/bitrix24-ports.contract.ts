import { randomUUID } from 'node:crypto';
import { IntegrationError } from '@app/core';
import type { Courier, CourierDirectory, CrmItemGateway, ProductCatalogGateway } from '@app/bitrix24';
import type { Bitrix24DoubleSetup } from './port-doubles';

/**
 * The kinds and mapping every implementation under contract is set up with: the real adapters (the worker against
 * the fake portal, with this mapping as BITRIX24_MAPPING_FILE) and the in-memory doubles.
 */
export const BITRIX24_CONTRACT_SETUP = {
  kinds: [
    { name: 'contract_item', representation: 'smart_process' },
    { name: 'contract_unmapped', representation: 'smart_process' },
    { name: 'contract_company', representation: 'company' },
    { name: 'contract_product', representation: 'catalog_product' },
    { name: 'contract_courier', representation: 'user' },
  ],
  mapping: {
    entities: {
      contract_item: {
        entityTypeId: 1200,
        categoryId: 14,
        fields: { title: 'title', amount: 'opportunity' },
        stages: { open: 'DT1200_14:NEW', done: 'DT1200_14:SUCCESS' },
      },
      contract_company: { fields: { name: 'title' } },
      contract_product: { iblockId: 23, fields: { name: 'name' } },
      contract_courier: { externalIdField: 'UF_USR_1C_ID', fields: { name: 'NAME' } },
    },
  },
} as const satisfies Bitrix24DoubleSetup;

async function refusal(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

const id = (prefix: string): string => `${prefix}-${randomUUID()}`;

/** Bitrix24 ids are positive integers, as strings. */
function anId(value: string): string {
  expect(value).toMatch(/^[1-9]\d*$/);
  return value;
}

/** `subject` is called inside each test, so the implementation may be started in a `beforeAll`. */
export function describeCrmItemGatewayContract(name: string, subject: () => CrmItemGateway): void {
  describe(`CrmItemGateway contract: ${name}`, () => {
    it('creates an item once, then updates that same item', async () => {
      const externalId = id('item');
      const first = await subject().upsert({
        kind: 'contract_item',
        externalId,
        fields: { title: 'A' },
        status: 'open',
      });
      const again = await subject().upsert({
        kind: 'contract_item',
        externalId,
        fields: { title: 'B' },
        status: 'done',
      });
      const other = await subject().upsert({ kind: 'contract_item', externalId: id('item'), fields: { title: 'C' } });
      expect(first).toEqual({ kind: 'contract_item', externalId, bitrixId: anId(first.bitrixId), created: true });
      expect(again).toEqual({ ...first, created: false });
      expect(other.bitrixId).not.toBe(first.bitrixId);
    });

    it('writes companies the same way', async () => {
      const externalId = id('company');
      const first = await subject().upsert({ kind: 'contract_company', externalId, fields: { name: 'LLC' } });
      const again = await subject().upsert({ kind: 'contract_company', externalId, fields: { name: 'LLC 2' } });
      expect([first.created, again.created, again.bitrixId]).toEqual([true, false, first.bitrixId]);
    });

    it('refuses a status the mapping has no stage for, permanently, and writes nothing', async () => {
      const externalId = id('item');
      const error = await refusal(
        subject().upsert({ kind: 'contract_item', externalId, fields: {}, status: 'teleported' }),
      );
      expect(error).toMatchObject({ kind: 'permanent', code: 'BITRIX24_UNMAPPED_STATUS' });
      await expect(
        refusal(subject().upsert({ kind: 'contract_company', externalId: id('company'), fields: {}, status: 'open' })),
      ).resolves.toMatchObject({ kind: 'permanent', code: 'BITRIX24_UNMAPPED_STATUS' });
      const written = await subject().upsert({ kind: 'contract_item', externalId, fields: {}, status: 'open' });
      expect(written.created).toBe(true);
    });

    it('refuses, permanently, a kind nobody registered and a kind that is not a CRM item', async () => {
      for (const kind of ['lorry', 'contract_product', 'contract_courier']) {
        const error = await refusal(subject().upsert({ kind, externalId: id('x'), fields: {} }));
        expect(error).toMatchObject({ kind: 'permanent', code: 'BITRIX24_INVALID_REQUEST' });
      }
    });

    it('holds back a registered kind the mapping leaves out, to be retried once it is mapped', async () => {
      const error = await refusal(subject().upsert({ kind: 'contract_unmapped', externalId: id('x'), fields: {} }));
      expect(error).toMatchObject({ kind: 'unavailable', code: 'BITRIX24_NOT_MAPPED' });
    });
  });
}

export function describeProductCatalogGatewayContract(name: string, subject: () => ProductCatalogGateway): void {
  describe(`ProductCatalogGateway contract: ${name}`, () => {
    it('settles every product in input order, creating new ones and updating those it wrote', async () => {
      const [bread, milk] = [id('p'), id('p')];
      const first = await subject().upsertMany([
        { externalId: bread, fields: { name: 'Bread' } },
        { externalId: milk, fields: { name: 'Milk' } },
      ]);
      const written = first.map(valueOf);
      expect(written).toEqual([
        { kind: 'contract_product', externalId: bread, bitrixId: anId(written[0].bitrixId), created: true },
        { kind: 'contract_product', externalId: milk, bitrixId: anId(written[1].bitrixId), created: true },
      ]);
      expect(written[0].bitrixId).not.toBe(written[1].bitrixId);
      const [again] = await subject().upsertMany([{ externalId: bread, fields: { name: 'Rye bread' } }]);
      expect(again).toEqual({ status: 'fulfilled', value: { ...valueOf(first[0]), created: false } });
    });

    it('writes one product given twice in a call as one entity', async () => {
      const externalId = id('p');
      const results = await subject().upsertMany([
        { externalId, fields: { name: 'One' } },
        { externalId, fields: { name: 'One, renamed' } },
      ]);
      const [first, second] = results.map(valueOf);
      expect([first.created, second.created, second.bitrixId]).toEqual([true, false, first.bitrixId]);
    });
  });
}

/** What a courier contract test needs: the directory, and a way to add portal users as the directory shows them. */
export interface CourierDirectorySubject {
  readonly directory: CourierDirectory;
  seed(couriers: readonly Courier[]): void;
}

export function describeCourierDirectoryContract(name: string, subject: () => CourierDirectorySubject): void {
  describe(`CourierDirectory contract: ${name}`, () => {
    const ivan: Courier = { bitrixUserId: '701', externalId: 'k-701', active: true, fields: { name: 'Ivan' } };
    const unlinked: Courier = { bitrixUserId: '702', active: true, fields: { name: 'Olga' } };
    const gone: Courier = { bitrixUserId: '703', externalId: 'k-703', active: false, fields: { name: 'Gone' } };
    const seeded = new Set([ivan, unlinked, gone].map((courier) => courier.bitrixUserId));

    it('lists the active users linked to a courier id, with their mapped fields', async () => {
      subject().seed([ivan, unlinked, gone]);
      const listed = await subject().directory.listCouriers();
      expect(listed.filter((courier) => seeded.has(courier.bitrixUserId))).toEqual([ivan]);
    });

    it('finds a courier by its id whether active or not, and nobody for an unknown id', async () => {
      subject().seed([ivan, unlinked, gone]);
      await expect(subject().directory.findByExternalId('k-703')).resolves.toEqual(gone);
      await expect(subject().directory.findByExternalId(id('k'))).resolves.toBeUndefined();
    });
  });
}

function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') {
    throw result.reason;
  }
  return result.value;
}
