import { Bitrix24Module, CrmItemGateway, type UpsertRequest } from '@app/bitrix24';
import { FakeBitrix24, RunningHttpApp, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import type { RunningWorker } from '../../apps/worker/src/worker';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { requestUpserts, webhookEnv, writeMappingFile } from './bitrix24-harness';

const COMPANY = 4;
const CONTACT = 3;

// Kinds of this suite's own, so a domain lib's handler of its companies and contacts never sees these writes.
const Kinds = Bitrix24Module.forFeature({
  kinds: [
    { name: 'mf_company', representation: 'company' },
    { name: 'mf_contact', representation: 'contact' },
  ],
});

/** Phones and e-mails as a domain module sends them: our lists, written by value id through the mapping's fm. */
const MAPPING = {
  entities: {
    mf_company: {
      fields: { name: 'title', active: 'ufCrm_MM_ACTIVE' },
      multiFields: { phones: 'PHONE', emails: { type: 'EMAIL', valueType: 'WORK' } },
    },
    mf_contact: { fields: { name: 'name' }, multiFields: { phones: 'PHONE', emails: 'EMAIL' } },
  },
};

type Fm = Array<{ id: number; valueType: string; value: string; typeId: string }>;

describe('Bitrix24 multi-fields: phones and e-mails updated by their value ids', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let api: RunningHttpApp;
  let worker: RunningWorker;
  let db: DataSource;

  const fmOf = (entityTypeId: number, originId: string): Fm =>
    fake.items(entityTypeId).find((item) => item.originId === originId)!.fm as Fm;
  const idOf = (entityTypeId: number, originId: string): number =>
    Number(fake.items(entityTypeId).find((item) => item.originId === originId)!.id);
  const upsert = (request: Omit<UpsertRequest, 'kind'>) =>
    worker.app.get(CrmItemGateway).upsert({ kind: 'mf_company', ...request });
  const settled = async (): Promise<void> => {
    await fake.settleDeliveries();
    await waitFor(
      async () => {
        const [row] = await db.query<{ open: string }[]>(
          `SELECT count(*) AS open FROM outbox_events WHERE status <> 'delivered'`,
        );
        const [inbox] = await db.query<{ open: string }[]>(
          `SELECT count(*) AS open FROM inbox_events WHERE source = 'bitrix24' AND status NOT IN ('processed', 'failed')`,
        );
        return Number(row.open) + Number(inbox.open) === 0;
      },
      { what: 'writes and their events processed' },
    );
  };
  const changes = () =>
    db.query<Array<{ external_id: string | null; fields: Record<string, unknown> }>>(
      `SELECT external_id, fields FROM bitrix24_inbound_changes WHERE kind = 'mf_company' ORDER BY id`,
    );

  beforeAll(async () => {
    fake = await FakeBitrix24.start({ limits: { burst: 50, drainPerSec: 50 } });
    const hook = fake.addOutgoingWebhook({ url: 'http://127.0.0.1:1/unused', events: [] });
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, {
        BITRIX24_APPLICATION_TOKEN: hook.applicationToken,
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        BITRIX24_MAPPING_FILE: writeMappingFile(MAPPING),
      }),
      apiImports: [Kinds],
      workerImports: [Kinds],
    });
    ({ api, db } = middleware);
    worker = middleware.worker!;
    fake.addOutgoingWebhook({
      url: `${api.url}/api/v1/webhooks/bitrix24`,
      events: ['ONCRMCOMPANYADD', 'ONCRMCOMPANYUPDATE'],
      applicationToken: hook.applicationToken,
    });
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  it('leaves exactly one of each value after the same upsert is repeated, directly or through the outbox', async () => {
    const company = {
      externalId: 'c-1',
      fields: { name: 'LLC', phones: ['+7 900 000-00-01'], emails: ['a@example.com'] },
    };
    for (let round = 0; round < 3; round++) {
      await upsert(company);
    }
    const contact = {
      kind: 'mf_contact',
      externalId: 'p-1',
      fields: { name: 'Ivan', phones: ['+7 900 000-00-05', '+7 900 000-00-06'], emails: 'ivan@example.com' },
    };
    await requestUpserts(api.app, [contact]);
    await settled();
    await requestUpserts(api.app, [contact]);
    await settled();

    expect(fmOf(COMPANY, 'c-1').map(({ typeId, valueType, value }) => [typeId, valueType, value])).toEqual([
      ['EMAIL', 'WORK', 'a@example.com'],
      ['PHONE', 'WORK', '+7 900 000-00-01'],
    ]);
    expect(fmOf(CONTACT, 'p-1').map((value) => value.value)).toEqual([
      'ivan@example.com',
      '+7 900 000-00-05',
      '+7 900 000-00-06',
    ]);
  });

  it('does not take its own writes back as changes', async () => {
    await settled();
    const outcomes = await db.query<Array<{ outcome: string }>>(
      `SELECT outcome FROM inbox_events WHERE source = 'bitrix24' ORDER BY received_at`,
    );
    // The create and at least one update (repeats within a second arrive as one event).
    expect(outcomes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(outcomes.map((row) => row.outcome))).toEqual(new Set(['ignored: our own write']));
    expect(await changes()).toEqual([]);
  });

  it('hands a phone added in Bitrix24 to the inbound port as our list', async () => {
    fake.uiUpdateItem(COMPANY, idOf(COMPANY, 'c-1'), { fm: { n0: { typeId: 'PHONE', value: '+7 900 000-00-09' } } });
    await settled();

    expect(await changes()).toEqual([
      {
        external_id: 'c-1',
        fields: {
          name: 'LLC',
          phones: ['+7 900 000-00-01', '+7 900 000-00-09'],
          emails: ['a@example.com'],
        },
      },
    ]);
  });

  it('keeps equal values by id, deletes removed ones and copies, adds new ones, and leaves values it does not own', async () => {
    const id = idOf(COMPANY, 'c-1');
    fake.uiUpdateItem(COMPANY, id, {
      fm: {
        n0: { typeId: 'PHONE', valueType: 'MOBILE', value: '+79000000001' },
        n1: { typeId: 'EMAIL', valueType: 'HOME', value: 'home@example.com' },
      },
    });
    const [email, phone] = fmOf(COMPANY, 'c-1');

    await upsert({
      externalId: 'c-1',
      fields: { phones: ['+7 (900) 000 00 01', '+7 900 000-00-03'], emails: ['A@example.com'] },
    });

    // Gone: the mobile copy of our phone and the phone added in Bitrix24. The HOME e-mail is not ours to manage.
    expect(fmOf(COMPANY, 'c-1')).toEqual([
      email,
      phone,
      { id: expect.any(Number), valueType: 'HOME', value: 'home@example.com', typeId: 'EMAIL' },
      { id: expect.any(Number), valueType: 'WORK', value: '+7 900 000-00-03', typeId: 'PHONE' },
    ]);
    expect([email.value, phone.value]).toEqual(['a@example.com', '+7 900 000-00-01']);
  });

  it('sends no fm when nothing differs but the formatting, and clears a list sent empty', async () => {
    fake.clearRequests();
    await upsert({ externalId: 'c-1', fields: { phones: ['79000000001', '79000000003'] } });
    const [write] = fake.requests.filter((request) => request.method === 'batch').slice(-1);
    expect(JSON.stringify(write.params)).not.toContain('fm');

    await upsert({ externalId: 'c-1', fields: { phones: [], emails: null } });
    expect(fmOf(COMPANY, 'c-1')).toEqual([
      expect.objectContaining({ valueType: 'HOME', value: 'home@example.com', typeId: 'EMAIL' }),
    ]);
  });

  it('refuses a multi-field value that is not a string, permanently, and writes nothing', async () => {
    fake.clearRequests();
    await expect(upsert({ externalId: 'c-2', fields: { phones: [{ number: 1 }] } })).rejects.toMatchObject({
      kind: 'permanent',
      code: 'BITRIX24_INVALID_REQUEST',
    });
    expect(fake.requests).toEqual([]);
  });
});
