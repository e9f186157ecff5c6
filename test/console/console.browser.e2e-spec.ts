import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOnecHttpService, tokenFor, waitFor } from '@app/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { settled as settleAll } from '../support/portal-board';
import {
  BOARD_CATEGORY,
  BOARD_MAPPING,
  BOARD_TYPE,
  COURIER_A,
  deliveriesAs,
  type DeliveryBody,
  seedBoardStages,
  seedMasterData,
  shipment,
  STAGES,
} from '../deliveries/deliveries-fixtures';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';

/** Debian's Chromium (`apt-get install chromium`); nothing here downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'back-office');

/**
 * The back-office console in a real headless Chromium against the running apps: an operator signs in, sees the
 * collision the deliveries flow raised, resolves it (the fake Bitrix24 follows, the audit has it), replays a dead
 * letter, downloads a report as CSV; a courier's token is refused.
 */
describe('the back-office console in a browser', () => {
  let harness: MasterDataHarness;
  let onec: FakeOnecHttpService;
  let browser: Browser;
  let page: Page;
  const onecSide = () => deliveriesAs(() => harness, '1c');
  const admin = () => deliveriesAs(() => harness, 'admin');
  const courier = () => deliveriesAs(() => harness, 'courier', COURIER_A);
  const at = { occurredAt: '2026-12-05T11:00:00+03:00' };
  const itemOf = (id: string) =>
    harness.fake.items(BOARD_TYPE).find((item) => item.xmlId === id) as { id: number; stageId: string } | undefined;
  const create = async (n: number) => {
    const answer = await onecSide().post('', shipment(n));
    expect(answer.status).toBe(201);
    await settleAll(harness);
    return (answer.body as DeliveryBody).id;
  };
  /** The console's status line once the action ends: "Готово", or the problem it reports. */
  const done = async () => {
    const status = page.locator('#status');
    // Evaluated in the page, where the CSP refuses strings to eval; this project's types know no DOM.
    await page.waitForFunction(() => {
      const page = globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } };
      return !['', 'Загрузка…', 'Loading…'].includes(page.document.getElementById('status').textContent);
    });
    expect(await status.textContent()).toBe('Готово');
  };

  beforeAll(async () => {
    onec = await FakeOnecHttpService.start({ login: 'middleware', password: 'hs-password' });
    harness = await startMasterDataHarness({
      mapping: BOARD_MAPPING,
      smartProcesses: [{ entityTypeId: BOARD_TYPE, categories: [{ id: BOARD_CATEGORY }] }],
      outgoingEvents: ['ONCRMDYNAMICITEMUPDATE'],
      env: {
        ONEC_HTTP_BASE_URL: onec.url,
        ONEC_HTTP_LOGIN: 'middleware',
        ONEC_HTTP_PASSWORD: 'hs-password',
        BITRIX24_RECONCILE_INTERVAL_MS: '0',
        EVENTS_RELAY_POLL_INTERVAL_MS: '100',
      },
    });
    seedBoardStages(harness);
    await seedMasterData(harness);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'ru-RU' });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await onec?.stop();
  });

  it('signs in (development), resolves a collision from the deliveries flow, replays a dead letter, downloads a CSV report', async () => {
    // A courier's stage move the middleware refuses: a collision for the back office.
    const disputed = await create(51);
    harness.fake.uiUpdateItem(BOARD_TYPE, Number(itemOf(disputed)!.id), { stageId: STAGES.delivered }, { userId: 17 });
    await settleAll(harness);
    await waitFor(
      async () =>
        ((await harness.call('GET', `/api/v1/admin/collisions?entity=${disputed}`)).body as { items: unknown[] }).items
          .length === 1,
      { what: 'the collision' },
    );
    // 1C refusing a confirmation outright: a dead letter.
    onec.inject({ kind: 'status', status: 400, body: '{"error":"bad document"}' });
    const refused = await create(52);
    for (const status of ['accepted', 'in_transit']) {
      expect((await courier().post(`/${refused}/status`, { status, ...at })).status).toBe(200);
    }
    expect(
      (await courier().post(`/${refused}/status`, { status: 'delivered', cashCollected: '116.99', ...at })).status,
    ).toBe(200);
    await waitFor(
      async () => (await harness.query<{ n: number }>(`SELECT count(*)::int AS n FROM dead_letters`))[0].n === 1,
      {
        what: 'the dead letter',
      },
    );

    await page.goto(`${harness.middleware.api.url}/console`);
    await page.getByRole('button', { name: 'Войти (режим разработки)' }).click();
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
    await page.getByText('Открытые коллизии').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    const [signIn] = await harness.query<{ actor: string; request_id: string | null }>(
      `SELECT actor, request_id FROM admin_audit_log WHERE action = 'sign_in'`,
    );
    expect(signIn).toMatchObject({ actor: 'console-developer', request_id: expect.any(String) });

    await page.getByRole('navigation').getByRole('link', { name: 'Коллизии' }).click();
    await page.getByRole('link', { name: 'Открыть' }).first().click();
    await page.getByRole('heading', { name: 'Значение middleware' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'collision.png'), fullPage: true });
    await page.getByLabel('Решение').selectOption('edit');
    await page.getByLabel('Значение (JSON)').fill('{"status":"accepted"}');
    await page.getByLabel('Комментарий').fill('Курьер выехал, подтверждено по телефону');
    await page.getByRole('button', { name: 'Решить' }).click();
    await done();
    // The board follows through the outbox (a dead letter of 1C's holds no other destination back).
    await waitFor(() => Promise.resolve(itemOf(disputed)!.stageId === STAGES.accepted), {
      what: 'the board item accepted',
    });
    expect(((await admin().get(`/${disputed}`)).body as DeliveryBody).status).toBe('accepted');
    const history = ((await admin().get(`/${disputed}`)).body as DeliveryBody).history!;
    expect(history.at(-1)).toMatchObject({ to: 'accepted', source: 'admin' });

    // The delivery's page: its history, and from the operator's change the request's timeline.
    await page.goto(`${harness.middleware.api.url}/console/deliveries/${disputed}`);
    await page.getByRole('heading', { name: 'История' }).waitFor();
    const requestId = history.at(-1)!.requestId!;
    await page.getByRole('link', { name: requestId }).click();
    await page.getByRole('heading', { name: 'Трассировка' }).waitFor();
    await page.getByRole('cell', { name: 'audit', exact: true }).first().waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Недоставленные' }).click();
    await page.getByRole('button', { name: 'Повторить', exact: true }).click();
    await done();
    await waitFor(
      () =>
        Promise.resolve(
          onec.received.some(
            (push) =>
              push.status === 200 && (push.body as { data?: { deliveryId?: string } }).data?.deliveryId === refused,
          ),
        ),
      { what: 'the replayed confirmation in 1C' },
    );

    await page.getByRole('navigation').getByRole('link', { name: 'Отчёты' }).click();
    await page.getByLabel('Отчёт').selectOption('sla');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Скачать CSV' }).click();
    const csv = readFileSync(await (await download).path(), 'utf8');
    expect(csv.split('\n')[0]).toMatch(/,/);

    await page.getByLabel('Язык').selectOption('en');
    await page.getByRole('navigation').getByRole('link', { name: 'Dashboard' }).waitFor();
    await page.getByLabel('Language').selectOption('ru');
  });

  it('refuses the console to a courier’s token', async () => {
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page
      .getByLabel('Токен доступа (JWT)')
      .fill(tokenFor(harness.middleware.config, 'courier', { courierId: COURIER_A }));
    await page.getByRole('button', { name: 'Войти с токеном' }).click();
    await page.getByRole('status').filter({ hasText: 'У этой учётной записи нет доступа к консоли.' }).waitFor();
    await page.getByRole('heading', { name: 'Вход в консоль' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('mm.console.token'))).toBeNull();
  });
});
