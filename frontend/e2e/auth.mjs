// Sign-in and administration in a real browser against the running platform: an administrator signs
// in, sees the admin menu, creates an agency API key (its secret shown once), revokes it, signs out.
//   ADMIN_USERNAME=admin ADMIN_PASSWORD=… BASE_URL=http://127.0.0.1:8000 node e2e/auth.mjs
import { BASE_URL, expect, screenshot, withPage, runChecks } from './browser.mjs';

const byTestId = (id) => `[data-testid="${id}"]`;
const USERNAME = process.env.ADMIN_USERNAME ?? '';
const PASSWORD = process.env.ADMIN_PASSWORD ?? '';
const AGENCY = { code: 'prov-hrss-dept', name: '省人力资源社会保障厅' };
const KEY_NAME = `e2e 测试密钥 ${new Date().toISOString().slice(0, 19)}`;
const ONCE_WARNING = '仅显示一次';

async function textOf(locator) {
  return ((await locator.first().textContent({ timeout: 10_000 })) ?? '').trim();
}

async function authChecks(report) {
  console.log(`e2e: ${BASE_URL}/login as ${USERNAME || '(ADMIN_USERNAME not set)'}`);
  if (!USERNAME || !PASSWORD) {
    report.fail('credentials', 'set ADMIN_USERNAME and ADMIN_PASSWORD to an administrator account');
    return;
  }

  await withPage('/login', async (page, { pageErrors }) => {
    const signedIn = await report.check('an administrator signs in', async () => {
      await page.locator(byTestId('login-page')).waitFor({ timeout: 15_000 });
      await page.locator(byTestId('login-username')).fill(USERNAME);
      await page.locator(byTestId('login-password')).fill(PASSWORD);
      await page.locator(byTestId('login-submit')).click();
      await Promise.race([
        page.locator(`${byTestId('user-menu')}[data-status="signedIn"]`).waitFor({ timeout: 15_000 }),
        page
          .locator(byTestId('login-error'))
          .waitFor({ timeout: 15_000 })
          .then(async () => {
            throw new Error(`sign-in refused: ${await textOf(page.locator(byTestId('login-error')))}`);
          }),
      ]);
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('tpp.auth') ?? 'null'));
      expect(stored?.access_token && stored?.refresh_token, 'no tokens in localStorage["tpp.auth"]');
    });
    if (!signedIn) return;

    await report.check('the header shows the user and the role 管理员', async () => {
      const role = await textOf(page.locator(byTestId('user-role')));
      expect(role === '管理员', `role tag reads "${role}"`);
      const name = await textOf(page.locator(byTestId('user-display-name')));
      expect(name.length > 0, 'no display name');
      return name;
    });

    const navOk = await report.check('the admin menu is shown (用户管理, API 密钥)', async () => {
      const users = await textOf(page.locator(byTestId('nav-admin-users')));
      const keys = await textOf(page.locator(byTestId('nav-admin-api-keys')));
      expect(users === '用户管理' && keys === 'API 密钥', `menu reads "${users}", "${keys}"`);
      expect(await page.locator(byTestId('nav-admin-api-keys')).isVisible(), 'API 密钥 entry is not visible');
    });

    await report.check('the users page lists accounts', async () => {
      await page.locator(byTestId('nav-admin-users')).click();
      await page.locator(byTestId(`user-row-${USERNAME}`)).waitFor({ timeout: 15_000 });
    });

    let secret = '';
    const created = await report.check('creating an API key shows its secret once, with the warning', async () => {
      if (navOk) await page.locator(byTestId('nav-admin-api-keys')).click();
      else await page.goto(`${BASE_URL}/admin/api-keys`);
      await page.locator(byTestId('api-keys-page')).waitFor({ timeout: 15_000 });
      await page.locator(byTestId('api-key-create')).click();
      const form = page.locator(byTestId('api-key-create-form'));
      await form.waitFor({ timeout: 10_000 });
      await form.locator(`${byTestId('api-key-agency')}`).click();
      await page.keyboard.type(AGENCY.code);
      await page.locator('.ant-select-item-option', { hasText: AGENCY.code }).first().click({ timeout: 10_000 });
      await form.locator(byTestId('api-key-name')).fill(KEY_NAME);
      await page.locator(byTestId('api-key-create-submit')).click();
      const modal = page.locator(byTestId('api-key-secret'));
      await modal.waitFor({ timeout: 15_000 }).catch(async () => {
        const error = await page.locator(`${byTestId('api-key-create-form')} ${byTestId('error-alert')}`).textContent().catch(() => null);
        throw new Error(error ? `creation failed: ${error.trim()}` : 'no secret shown');
      });
      const warning = await textOf(page.locator(byTestId('api-key-secret-warning')));
      expect(warning.includes(ONCE_WARNING), `warning reads "${warning}"`);
      secret = await textOf(page.locator(byTestId('api-key-secret-value')));
      expect(secret.startsWith('tpp_') && secret.length >= 24, `secret looks like "${secret.slice(0, 8)}…"`);
      await page.waitForTimeout(500); // let the modals finish their zoom animations
      await screenshot(page, 'api-key-secret.png');
      return `prefix ${secret.slice(0, 8)}…`;
    });

    await report.check('after closing, the page no longer contains the secret', async () => {
      expect(created, 'no key was created');
      await page.locator(byTestId('api-key-secret-done')).click();
      await page.locator(byTestId('api-key-secret')).waitFor({ state: 'detached', timeout: 10_000 });
      const row = page.locator(`tr[data-name="${KEY_NAME}"]`);
      await row.waitFor({ timeout: 10_000 });
      const html = await page.content();
      expect(!html.includes(secret), 'the secret is still in the page');
    });

    await report.check('revoking the key (after confirming) removes it from the active list', async () => {
      expect(created, 'no key was created');
      const row = page.locator(`tr[data-name="${KEY_NAME}"]`);
      await row.locator(byTestId('api-key-revoke')).click();
      await page.locator(byTestId('api-key-revoke-confirm')).click({ timeout: 10_000 });
      await row.waitFor({ state: 'detached', timeout: 15_000 });
      await page.locator(byTestId('include-revoked')).click();
      const revoked = page.locator(`tr[data-name="${KEY_NAME}"] ${byTestId('api-key-status')}`);
      await revoked.waitFor({ timeout: 10_000 });
      const status = await revoked.getAttribute('data-status');
      expect(status === 'revoked', `status "${status}"`);
    });

    await report.check('signing out forgets the session and hides the admin menu', async () => {
      await page.locator(byTestId('user-menu-button')).click();
      await page.locator(byTestId('sign-out')).click();
      await page.locator(`${byTestId('user-menu')}[data-status="anonymous"]`).waitFor({ timeout: 10_000 });
      const stored = await page.evaluate(() => localStorage.getItem('tpp.auth'));
      expect(stored === null, 'localStorage["tpp.auth"] still set');
      expect((await page.locator(byTestId('nav-admin-users')).count()) === 0, 'admin menu still shown');
      await page.goto(`${BASE_URL}/admin/api-keys`);
      await page.locator(byTestId('login-page')).waitFor({ timeout: 10_000 });
    });

    await report.check('no uncaught errors in the page', async () => {
      expect(pageErrors.length === 0, pageErrors.join(' | '));
    });
  });
}

await runChecks(async (report) => {
  await authChecks(report);
});
