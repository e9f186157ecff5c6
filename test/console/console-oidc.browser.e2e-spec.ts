import { chromium, type Browser } from 'playwright-core';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';
import { freePort, type RunningOidcProvider, startOidcProvider } from '../support/oidc-provider';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AUDIENCE = 'urn:mastermobile:api';

/**
 * Signing in to the console against a real OpenID Connect provider started here: authorization code with PKCE in
 * the browser, the provider's own login page, and the access token it issues verified by the API through the
 * provider's JWKS (the API trusts no other issuer in this run).
 */
describe('the console signs in with OpenID Connect', () => {
  let harness: MasterDataHarness;
  let oidc: RunningOidcProvider;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    harness = await startMasterDataHarness({
      worker: false,
      env: {
        JWT_JWKS_URL: `${issuer}/jwks`,
        JWT_ISSUER: issuer,
        JWT_AUDIENCE: AUDIENCE,
        CONSOLE_OIDC_ISSUER: issuer,
        CONSOLE_OIDC_CLIENT_ID: 'mastermobile-console',
        CONSOLE_OIDC_RESOURCE: AUDIENCE,
      },
    });
    oidc = await startOidcProvider({
      port,
      redirectUri: `${harness.middleware.api.url}/console/callback`,
      audience: AUDIENCE,
      roles: ['admin'],
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await oidc?.close();
  });

  it('takes the operator through the provider’s login and back, with a token the API accepts', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.middleware.api.url}/console`);
    // The development sign-in exists only with the development secret; here the API verifies the provider's keys.
    expect(await page.getByRole('button', { name: 'Войти (режим разработки)' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Войти через корпоративный вход' }).click();
    await page.waitForURL(new RegExp(`^${oidc.issuer}/`));
    await page.locator('input[name="login"]').fill('operator@example.ru');
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console');
    const [signIn] = await harness.query<{ actor: string; details: { method: string } }>(
      `SELECT actor, details FROM admin_audit_log WHERE action = 'sign_in'`,
    );
    expect(signIn).toEqual({ actor: 'operator@example.ru', details: { method: 'oidc', via: 'console' } });
    expect((await page.request.post(`${harness.middleware.api.url}/console/dev-sign-in`)).status()).toBe(404);

    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.getByRole('heading', { name: 'Вход в консоль' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});
