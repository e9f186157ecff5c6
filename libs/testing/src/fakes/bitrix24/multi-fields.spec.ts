import { FakeBitrix24 } from './fake-bitrix24';
import { call, list, type Loose } from './spec-helpers';

/** `fm` as the tutorial "how to change e-mail or phone" (crm.item.*) describes it. */
describe('FakeBitrix24 multi-fields (fm) of contacts and companies', () => {
  let fake: FakeBitrix24;

  beforeEach(async () => {
    fake = await FakeBitrix24.start();
  });

  afterEach(() => fake.stop());

  async function addContact(fm: unknown): Promise<{ id: number; fm: Loose[] }> {
    const { body } = await call(fake, 'crm.item.add', { entityTypeId: 3, fields: { name: 'Ivan', fm } });
    return { id: body.result.item.id as unknown as number, fm: list(body.result.item.fm) };
  }

  async function update(id: number, fm: unknown): Promise<Loose[]> {
    const { body } = await call(fake, 'crm.item.update', { entityTypeId: 3, id, fields: { fm } });
    return list(body.result.item.fm);
  }

  const plain = (values: Loose[]): Array<[unknown, unknown, unknown]> =>
    values.map((value) => [value.typeId, value.valueType, value.value]);

  it('adds every element as a value with its own id, and shows them as the documented answer does', async () => {
    const contact = await addContact([
      { typeId: 'EMAIL', valueType: 'WORK', value: 'work@example.com' },
      { typeId: 'PHONE', valueType: 'MOBILE', value: '+79990000001' },
    ]);

    expect(contact.fm).toEqual([
      { id: 1, valueType: 'WORK', value: 'work@example.com', typeId: 'EMAIL' },
      { id: 2, valueType: 'MOBILE', value: '+79990000001', typeId: 'PHONE' },
    ]);
    const got = await call(fake, 'crm.item.get', { entityTypeId: 3, id: contact.id });
    expect(got.body.result.item.fm).toEqual(contact.fm);
    expect(
      (await call(fake, 'crm.item.add', { entityTypeId: 4, fields: { title: 'LLC' } })).body.result.item.fm,
    ).toEqual([]);
  });

  it('appends a value sent again without its id: the duplicate-phone bug of naive sync modules', async () => {
    const contact = await addContact([{ typeId: 'PHONE', value: '+79990000001' }]);

    const asList = await update(contact.id, [{ typeId: 'PHONE', value: '+79990000001' }]);
    const asNew = await update(contact.id, { n0: { typeId: 'PHONE', value: '+79990000001' } });

    expect(plain(asList)).toEqual([
      ['PHONE', 'WORK', '+79990000001'],
      ['PHONE', 'WORK', '+79990000001'],
    ]);
    expect(asNew).toHaveLength(3);
    expect(new Set(asNew.map((value) => value.id)).size).toBe(3);
  });

  it('changes a value by its id, deletes one sent with an empty value, and leaves the others alone', async () => {
    const contact = await addContact([
      { typeId: 'EMAIL', valueType: 'WORK', value: 'work@example.com' },
      { typeId: 'EMAIL', valueType: 'HOME', value: 'home@example.com' },
      { typeId: 'PHONE', valueType: 'WORK', value: '+79990000001' },
    ]);
    const [work, home, phone] = contact.fm.map((value) => value.id as unknown as number);

    const after = await update(contact.id, {
      [work]: { typeId: 'EMAIL', valueType: 'WORK', value: 'new@example.com' },
      [home]: { typeId: 'EMAIL', value: '' },
      n0: { typeId: 'PHONE', valueType: 'MOBILE', value: '+79990000002' },
    });

    expect(after).toEqual([
      { id: work, valueType: 'WORK', value: 'new@example.com', typeId: 'EMAIL' },
      { id: phone, valueType: 'WORK', value: '+79990000001', typeId: 'PHONE' },
      { id: 4, valueType: 'MOBILE', value: '+79990000002', typeId: 'PHONE' },
    ]);
  });

  it('ignores an element without typeId, an fm that is a string, and adds for an id the item does not have', async () => {
    const contact = await addContact([{ typeId: 'PHONE', value: '+79990000001' }]);
    const other = await addContact([{ typeId: 'PHONE', value: '+79990000009' }]);
    const [phone] = contact.fm.map((value) => value.id as unknown as number);

    expect(await update(contact.id, { [phone]: { value: '' } })).toEqual(contact.fm);
    expect(await update(contact.id, 'PHONE +79990000002')).toEqual(contact.fm);
    const foreign = await update(contact.id, {
      [other.fm[0].id as unknown as number]: { typeId: 'PHONE', value: '+7' },
    });
    expect(plain(foreign)).toEqual([
      ['PHONE', 'WORK', '+79990000001'],
      ['PHONE', 'WORK', '+7'],
    ]);
  });

  it('reads ids from bracket keys in batch commands, as PHP keeps them', async () => {
    const contact = await addContact([
      { typeId: 'PHONE', value: '+79990000001' },
      { typeId: 'PHONE', value: '+79990000002' },
    ]);
    const [first, second] = contact.fm.map((value) => value.id as unknown as number);

    const answer = await call(fake, 'batch', {
      halt: 0,
      cmd: {
        a:
          `crm.item.update?entityTypeId=3&id=${contact.id}` +
          `&fields[fm][${second}][typeId]=PHONE&fields[fm][${second}][value]=` +
          '&fields[fm][n0][typeId]=EMAIL&fields[fm][n0][value]=a%40example.com',
      },
    });

    expect(answer.body.result.result_error).toEqual([]);
    expect(plain(list(answer.body.result.result.a.item.fm))).toEqual([
      ['PHONE', 'WORK', '+79990000001'],
      ['EMAIL', 'WORK', 'a@example.com'],
    ]);
    expect(list(answer.body.result.result.a.item.fm)[0].id).toBe(first);
  });

  it('lists fm with select * only, and keeps none for smart-process items', async () => {
    const contact = await addContact([{ typeId: 'PHONE', value: '+79990000001' }]);
    const rows = async (select: string[]) =>
      list((await call(fake, 'crm.item.list', { entityTypeId: 3, select })).body.result.items);

    expect((await rows(['*']))[0].fm).toEqual(contact.fm);
    expect((await rows(['id', 'fm']))[0]).toEqual({ id: contact.id });
    const item = await call(fake, 'crm.item.add', {
      entityTypeId: 1220,
      fields: { title: 'Delivery', fm: [{ typeId: 'PHONE', value: '1' }] },
    });
    expect(item.body.result.item).not.toHaveProperty('fm');
  });

  it('seeds values with given ids, duplicates included', () => {
    fake.seed({
      items: [
        {
          entityTypeId: 4,
          title: 'Duplicated by an old sync',
          fm: [
            { id: 70, typeId: 'PHONE', value: '+79990000001' },
            { id: 71, typeId: 'PHONE', value: '+7 999 000-00-01' },
          ],
        },
      ],
    });

    expect(fake.items(4)[0].fm).toEqual([
      { id: 70, valueType: 'WORK', value: '+79990000001', typeId: 'PHONE' },
      { id: 71, valueType: 'WORK', value: '+7 999 000-00-01', typeId: 'PHONE' },
    ]);
  });
});
