import { FakeBitrix24 } from './fake-bitrix24';
import { call, list } from './spec-helpers';

describe('FakeBitrix24 catalog, users and tasks', () => {
  let fake: FakeBitrix24;

  beforeEach(async () => {
    fake = await FakeBitrix24.start({ catalogIblockIds: [14] });
  });

  afterEach(() => fake.stop());

  describe('catalog.product', () => {
    it('needs iblockId and answers with numeric error codes', async () => {
      const missing = await call(fake, 'catalog.product.add', { fields: { name: 'Phone' } });
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ error: 0, error_description: 'Required fields: iblockId' });

      const unknown = await call(fake, 'catalog.product.add', { fields: { iblockId: 99, name: 'Phone' } });
      expect(unknown.body).toEqual({ error: 200040300000, error_description: 'Iblock Not Found' });

      const noFields = await call(fake, 'catalog.product.add', {});
      expect(noFields.body.error).toBe(100);
    });

    it('adds as element (xmlId defaulting to the id), gets as product, lists as products', async () => {
      const plain = await call(fake, 'catalog.product.add', {
        fields: { iblockId: 14, name: 'Case', purchasingPrice: 10 },
      });
      const tagged = await call(fake, 'catalog.product.add', {
        fields: { iblockId: 14, name: 'Phone', xmlId: 'sku-1' },
      });

      expect(plain.body.result.element).toMatchObject({
        id: 1,
        xmlId: '1',
        purchasingPrice: '10.000000',
        iblockId: 14,
      });
      expect(tagged.body.result.element.xmlId).toBe('sku-1');
      expect((await call(fake, 'catalog.product.get', { id: 2 })).body.result.product.name).toBe('Phone');

      const found = await call(fake, 'catalog.product.list', {
        select: ['id', 'iblockId', 'name'],
        filter: { iblockId: 14, xmlId: 'sku-1' },
      });
      expect(found.body.result).toEqual({ products: [{ id: 2, iblockId: 14, name: 'Phone' }] });
      expect(found.body.total).toBe(1);

      const updated = await call(fake, 'catalog.product.update', { id: 2, fields: { name: 'Phone 2' } });
      expect(updated.body.result.element.name).toBe('Phone 2');
    });

    it('reproduces the list and get error quirks', async () => {
      const noSelect = await call(fake, 'catalog.product.list', { select: ['name'], filter: { iblockId: 14 } });
      expect(noSelect.body).toEqual({ error: 0, error_description: 'Required select fields: id, iblockId' });
      const noIblock = await call(fake, 'catalog.product.list', { select: ['id', 'iblockId'], filter: {} });
      expect(noIblock.body).toEqual({ error: 0, error_description: 'Required filter fields: iblockId' });
      const missing = await call(fake, 'catalog.product.get', { id: 5 });
      expect(missing.body).toEqual({ error: '', error_description: 'product does not exist.' });
    });
  });

  describe('user.get', () => {
    beforeEach(() => {
      fake.seed({
        users: [
          { ID: 10, NAME: 'Ivan', LAST_NAME: 'Petrov', UF_DEPARTMENT: [5], ACTIVE: true },
          { ID: 11, NAME: 'Igor', UF_DEPARTMENT: [5, 6], ACTIVE: false },
          { ID: 12, NAME: 'Olga', UF_DEPARTMENT: [6], ACTIVE: true },
        ],
      });
    });

    it('filters by ACTIVE and UF_DEPARTMENT and answers a list with total', async () => {
      const answer = await call(fake, 'user.get', { FILTER: { ACTIVE: true, UF_DEPARTMENT: 5 } });

      expect(Object.keys(answer.body)).toEqual(['result', 'total', 'time']);
      expect(answer.body.total).toBe(1);
      expect(answer.body.result[0]).toMatchObject({ ID: '10', ACTIVE: true, UF_DEPARTMENT: [5] });
    });

    it('takes top-level filters and patterns, ignoring unknown parameters', async () => {
      const byId = await call(fake, 'user.get', { ID: 12, bx24_request_id: 'abc' });
      expect(list(byId.body.result).map((user) => user.NAME)).toEqual(['Olga']);

      const byName = await call(fake, 'user.get', { FILTER: { NAME: 'I%' } });
      expect(list(byName.body.result).map((user) => user.ID)).toEqual(['10', '11']);
    });
  });

  describe('tasks.task', () => {
    it('takes UPPER_CASE fields and answers camelCase strings', async () => {
      const added = await call(fake, 'tasks.task.add', {
        fields: {
          TITLE: 'Deliver #42',
          RESPONSIBLE_ID: 10,
          DEADLINE: '2026-03-05T18:00:00+03:00',
          UF_CRM_TASK: ['D_5'],
        },
      });

      expect(added.body.result.task).toMatchObject({
        id: '1',
        title: 'Deliver #42',
        responsibleId: '10',
        status: '2',
        deadline: '2026-03-05T18:00:00+03:00',
      });
      expect('ufCrmTask' in added.body.result.task).toBe(false);

      const got = await call(fake, 'tasks.task.get', { taskId: 1, select: ['ID', 'UF_CRM_TASK'] });
      expect(got.body.result.task).toEqual({ id: '1', ufCrmTask: ['D_5'] });
    });

    it('rejects a missing title and answers [] for a missing task', async () => {
      const untitled = await call(fake, 'tasks.task.add', { fields: { RESPONSIBLE_ID: 10 } });
      expect(untitled.status).toBe(400);
      expect(untitled.body.error).toBe('ERROR_CORE');

      const missing = await call(fake, 'tasks.task.get', { taskId: 404 });
      expect(missing.status).toBe(200);
      expect(missing.body.result).toEqual([]);
    });

    it('lists with filters and pages like the recorded tasks.task.list', async () => {
      fake.seed({
        tasks: Array.from({ length: 55 }, (_, i) => ({ TITLE: `T${i}`, RESPONSIBLE_ID: i % 2 === 0 ? 10 : 11 })),
      });

      const page = await call(fake, 'tasks.task.list', { filter: { RESPONSIBLE_ID: 10 }, select: ['ID', 'TITLE'] });

      expect(Object.keys(page.body)).toEqual(['result', 'total', 'time']);
      expect(page.body.total).toBe(28);
      expect(list(page.body.result.tasks)).toHaveLength(28);
      const all = await call(fake, 'tasks.task.list', {});
      expect(all.body).toMatchObject({ next: 50, total: 55 });
    });
  });
});
