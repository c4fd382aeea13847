import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { startTestServer, type TestServer } from '../helpers/server';

export const SCREENSHOT = path.resolve(__dirname, '../../test-output/graphiql.png');

describe('GraphiQL in a real browser', () => {
  let t: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('loads with no internet access, runs a typed query and shows its result', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Everything the page asks for must come from the subgraph; anything else is refused and recorded.
    const elsewhere: string[] = [];
    const origin = new URL(t.url).origin;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));

    await page.goto(`${t.url}/graphql`);
    const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
    await editor.waitFor({ state: 'visible', timeout: 20_000 });

    // Replace the example document with a query of our own, typed as a person would.
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('query Typed { mediaProviders { provider configured } }');
    // GraphiQL takes the editor's text into its state after a debounce, and stores it then; run only after that.
    await page.waitForFunction(`localStorage.getItem('graphiql:query')?.includes('query Typed')`, null, {
      timeout: 10_000,
    });
    await page.locator('.graphiql-execute-button').click();

    const result = page.locator('.result-window');
    // A string, evaluated in the page (the test compiles without the DOM library).
    await page.waitForFunction(`document.querySelector('.result-window')?.textContent?.includes('configured')`, null, {
      timeout: 20_000,
    });
    const text = await result.innerText();
    expect(text).toContain('"provider": "LOCAL"');
    expect(text).toContain('"provider": "KELVIQ"');
    // The example document asked for more; only the typed query ran.
    expect(text).not.toContain('isDefault');

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
