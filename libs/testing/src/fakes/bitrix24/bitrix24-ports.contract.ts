import { randomUUID } from 'node:crypto';
import { IntegrationError } from '@app/core';
import type {
  Courier,
  CourierDirectory,
  CrmItemGateway,
  ProductCatalogGateway,
  RemoteEntityDirectory,
  RemoteEntitySnapshot,
} from '@app/bitrix24';
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
      contract_company: {
        fields: { name: 'title', active: 'ufCrm_MM_ACTIVE' },
        multiFields: { phones: 'PHONE', emails: { type: 'EMAIL', valueType: 'WORK' } },
      },
      contract_product: { iblockId: 23, fields: { name: 'name', active: 'active' } },
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

/** What a directory contract test needs: the directory, the gateways that write, and entities made behind our back. */
export interface RemoteEntityDirectorySubject {
  readonly directory: RemoteEntityDirectory;
  readonly crm: CrmItemGateway;
  readonly catalog: ProductCatalogGateway;
  /**
   * An entity created in Bitrix24 by someone else (a user, another integration), with our field names: carrying
   * an external id (e.g. one our records do not know) or none. Returns its Bitrix24 id.
   */
  addRemote(
    kind: 'contract_company' | 'contract_product',
    fields: Record<string, unknown>,
    externalId?: string,
  ): Promise<string>;
}

export function describeRemoteEntityDirectoryContract(name: string, subject: () => RemoteEntityDirectorySubject): void {
  describe(`RemoteEntityDirectory contract: ${name}`, () => {
    async function everything(kind: string): Promise<RemoteEntitySnapshot[]> {
      const all: RemoteEntitySnapshot[] = [];
      let after: string | undefined;
      do {
        const page = await subject().directory.list(kind, { after, limit: 200 });
        all.push(...page.items);
        after = page.next;
      } while (after !== undefined);
      return all;
    }

    it('lists the entities carrying an external id, ours and strays, with our fields mapped back', async () => {
      const [ours, stray] = [id('company'), id('stray')];
      const written = await subject().crm.upsert({
        kind: 'contract_company',
        externalId: ours,
        fields: { name: 'LLC', phones: ['+7 900 000-00-01'], emails: ['a@example.com'], unmapped: 1 },
      });
      const strayId = await subject().addRemote('contract_company', { name: 'Stray' }, stray);
      const anonymousId = await subject().addRemote('contract_company', { name: 'Made in Bitrix24' });

      const listed = await everything('contract_company');
      const [company] = listed.filter((snapshot) => snapshot.externalId === ours);
      expect(company).toMatchObject({ kind: 'contract_company', bitrixId: written.bitrixId, externalId: ours });
      expect(company.fields).toMatchObject({ name: 'LLC', phones: ['+7 900 000-00-01'], emails: ['a@example.com'] });
      expect(company.fields).not.toHaveProperty('unmapped');
      const strays = listed.filter((snapshot) => snapshot.externalId === stray);
      expect(strays.map((snapshot) => [snapshot.bitrixId, snapshot.fields.name])).toEqual([[anId(strayId), 'Stray']]);
      expect(listed.map((snapshot) => snapshot.bitrixId)).not.toContain(anonymousId);
    });

    it('pages in Bitrix24 id order, no page longer than asked, until next is undefined', async () => {
      const externalIds = Array.from({ length: 5 }, () => id('p'));
      await subject().catalog.upsertMany(
        externalIds.map((externalId) => ({ externalId, fields: { name: externalId } })),
      );
      const seen: RemoteEntitySnapshot[] = [];
      let after: string | undefined;
      do {
        const page = await subject().directory.list('contract_product', { after, limit: 2 });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        after = page.next;
      } while (after !== undefined);
      const ids = seen.map((snapshot) => Number(snapshot.bitrixId));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      expect(seen.filter((snapshot) => externalIds.includes(snapshot.externalId)).map((s) => s.externalId)).toEqual(
        externalIds,
      );
    });

    it('deactivates an entity by its Bitrix24 id, a stray too, creating nothing', async () => {
      const stray = id('stray');
      const strayId = await subject().addRemote('contract_product', { name: 'Stray', active: true }, stray);
      const company = await subject().crm.upsert({
        kind: 'contract_company',
        externalId: id('company'),
        fields: { name: 'LLC', active: true },
      });
      const before = (await everything('contract_product')).length;

      await subject().directory.updateById('contract_product', strayId, { active: false, unmapped: 1 });
      await subject().directory.updateById('contract_company', company.bitrixId, { active: false });

      const products = await everything('contract_product');
      const [deactivated] = products.filter((snapshot) => snapshot.externalId === stray);
      expect(products).toHaveLength(before);
      expect(subject().directory.drift(deactivated, { name: 'Stray', active: false })).toEqual([]);
      expect(subject().directory.drift(deactivated, { active: true })).toEqual(['active']);
      const [companySnapshot] = (await everything('contract_company')).filter(
        (snapshot) => snapshot.bitrixId === company.bitrixId,
      );
      expect(subject().directory.drift(companySnapshot, { name: 'LLC', active: false })).toEqual([]);
    });

    it('sets multi-fields by id as upserts do: the same list twice leaves one of each', async () => {
      const company = await subject().crm.upsert({
        kind: 'contract_company',
        externalId: id('company'),
        fields: { name: 'LLC', phones: ['+7 900 000-00-01'] },
      });
      for (let round = 0; round < 2; round++) {
        await subject().directory.updateById('contract_company', company.bitrixId, {
          phones: ['+7 900 000-00-02'],
          emails: ['a@example.com'],
        });
      }
      const [snapshot] = (await everything('contract_company')).filter((s) => s.bitrixId === company.bitrixId);
      expect(snapshot.fields).toMatchObject({ phones: ['+7 900 000-00-02'], emails: ['a@example.com'] });
    });

    it('reports as drift the mapped fields that differ, not the unmapped ones', async () => {
      const externalId = id('p');
      await subject().catalog.upsertMany([{ externalId, fields: { name: 'Bread', active: true } }]);
      const [snapshot] = (await everything('contract_product')).filter((s) => s.externalId === externalId);
      expect(subject().directory.drift(snapshot, { name: 'Bread', active: true, unmapped: 'x' })).toEqual([]);
      expect(subject().directory.drift(snapshot, { name: 'Rye bread', active: true })).toEqual(['name']);
    });

    it('refuses what it cannot list or write, with the errors of the other ports', async () => {
      for (const kind of ['lorry', 'contract_courier']) {
        const error = await refusal(subject().directory.list(kind));
        expect(error).toMatchObject({ kind: 'permanent', code: 'BITRIX24_INVALID_REQUEST' });
      }
      await expect(refusal(subject().directory.list('contract_unmapped'))).resolves.toMatchObject({
        kind: 'unavailable',
        code: 'BITRIX24_NOT_MAPPED',
      });
      await expect(refusal(subject().directory.list('contract_product', { limit: 0 }))).resolves.toMatchObject({
        code: 'BITRIX24_INVALID_REQUEST',
      });
      await expect(
        refusal(subject().directory.updateById('contract_product', '999999', { active: false })),
      ).resolves.toMatchObject({ kind: 'permanent', code: 'BITRIX24_NOT_FOUND' });
    });
  });
}

function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') {
    throw result.reason;
  }
  return result.value;
}
