/**
 * GraphiQL in a real browser, offline: `npm start` (src/bin/main.ts, embedded
 * database with demo data) and headless Chromium (Debian's, driven by
 * playwright-core, which downloads no browser) that may reach 127.0.0.1 only.
 * A user's steps: open /graphql, paste the Authorization header the banner
 * printed into the Headers tab, run the default query, re-fetch the schema.
 * The page must load nothing from elsewhere, break no CSP rule, log no error.
 *
 * Skipped without Chromium (CHROMIUM, else `chromium` on the PATH); .ci/run
 * installs it. The screenshot goes to GRAPHIQL_SCREENSHOT, else the temp folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEADERS } from '../../src/graphql/http/graphiql.js';
import { type GatewayProcess, killGateways, startGateway } from '../helpers/gateway-process.js';

/** CHROMIUM, else `chromium` on the PATH (Debian's package). */
const CHROMIUM =
  process.env.CHROMIUM ||
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, 'chromium'))
    .find((file) => existsSync(file));
const hasChromium = CHROMIUM !== undefined && existsSync(CHROMIUM);
const SCREENSHOT = process.env.GRAPHIQL_SCREENSHOT || path.join(os.tmpdir(), 'bindings-gateway-graphiql.png');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

if (!hasChromium) {
  console.warn(`test/graphiql/browser.test.ts skipped: no Chromium (${CHROMIUM ?? 'none on the PATH'}); apt-get install -y chromium, or set CHROMIUM`);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-graphiql-'));
let gateway: GatewayProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  gateway = await startGateway({ DATA_DIR: dataDir });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  killGateways();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What the page did: requests that would have left the machine, errors, CSP violations, GraphQL answers. */
interface Watch {
  nonLocal: string[];
  failed: string[];
  errors: string[];
  /** POST /graphql answers, with the Authorization header sent. */
  graphql: Array<{ status: number; authorization: string | undefined }>;
  violations(): Promise<string[]>;
}

async function watch(page: Page): Promise<Watch> {
  const w: Omit<Watch, 'violations'> = { nonLocal: [], failed: [], errors: [], graphql: [] };
  // Offline: anything not for this machine is counted and refused.
  await page.context().route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
    w.nonLocal.push(url.href);
    return route.abort('internetdisconnected');
  });
  page.on('requestfailed', (r) => w.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('pageerror', (err) => w.errors.push(`uncaught: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
  });
  // Monaco's editor workers: their errors and CSP reports come through their console.
  page.on('worker', (worker) =>
    worker.on('console', (m) => {
      if (m.type() === 'error') w.errors.push(`worker ${worker.url()}: ${m.text()}`);
    }),
  );
  page.on('response', (r) => {
    const request = r.request();
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') {
      w.graphql.push({ status: r.status(), authorization: request.headers().authorization });
    }
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { ...w, violations: () => page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations) };
}

/** Whitespace and line breaks (Monaco wraps long values) left out. */
const squeeze = (text: string) => text.replace(/\s+/g, '');

/** Replaces the text of the Monaco editor in `where` the way a user would: select all, paste. */
async function pasteInto(page: Page, where: Locator, text: string): Promise<void> {
  await where.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await page.keyboard.press('ControlOrMeta+V');
  await expect.poll(() => editorText(where)).toBe(squeeze(text));
}

/** The text of the Monaco editor in `where`, squeezed (the lines it has rendered: enough for the top of a result). */
async function editorText(where: Locator): Promise<string> {
  return squeeze((await where.locator('.view-lines').first().textContent()) ?? '');
}

describe('GraphiQL in Chromium, offline', () => {
  it.skipIf(!hasChromium)(
    'runs the default query with the Authorization header pasted into the Headers tab',
    async () => {
      const demo = gateway!.demo;
      if (!demo) throw new Error(`no demo credentials in the banner:\n${gateway!.stdout()}`);
      // The line the banner tells the user to paste.
      const pasted = /^\s*(\{"Authorization": "Basic [^"]+"\})$/m.exec(gateway!.stdout())?.[1];
      expect(pasted).toBe(`{"Authorization": "Basic ${Buffer.from(`${demo.accountSid}:${demo.authToken}`).toString('base64')}"}`);

      const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway!.baseUrl });
      const page = await context.newPage();
      const w = await watch(page);
      try {
        await page.goto(`${gateway!.baseUrl}/graphql`);
        // The Headers tab is open with a template; select it all and paste over it.
        const headers = page.getByRole('region', { name: 'Headers' }).locator('.graphiql-editor:not(.hidden)');
        await expect.poll(() => editorText(headers)).toBe(squeeze(DEFAULT_HEADERS));
        await pasteInto(page, headers, pasted!);

        await page.getByRole('button', { name: /^Execute query/ }).click();
        const result = () => editorText(page.getByRole('region', { name: 'Result Window' }));
        await expect.poll(result, { timeout: 20_000 }).toMatch(/"services":\{"totalCount":\d+,"nodes":\[\{"sid":"IS[0-9a-f]{32}"/);
        expect(await result()).toMatch(/"node":\{"sid":"BS[0-9a-f]{32}"/);

        // The schema (completion, Docs) now loads with the header too.
        await page.getByRole('button', { name: /^Re-fetch GraphQL schema/ }).click();
        await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
        await page.locator('.graphiql-doc-explorer').getByText('Binding', { exact: true }).waitFor();

        mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });
        console.log(`GraphiQL screenshot: ${SCREENSHOT}`);

        expect(w.nonLocal).toEqual([]);
        expect(w.failed).toEqual([]);
        expect(await w.violations()).toEqual([]);
        // Before the header was pasted, the schema request (with the template) was
        // refused, and Chromium logs a 401 as an error; with it, the query and the schema.
        const template = `Basic <base64 of AccountSid:AuthToken>`;
        const header = JSON.parse(pasted!).Authorization as string;
        expect(w.graphql.map((r) => r.authorization)).toEqual([...w.graphql.filter((r) => r.authorization === template).map(() => template), header, header]);
        expect(w.graphql.map((r) => r.status)).toEqual([...w.graphql.filter((r) => r.authorization === template).map(() => 401), 200, 200]);
        const unauthorized = w.graphql.filter((r) => r.status === 401).length;
        expect(unauthorized).toBeGreaterThan(0);
        expect(w.errors).toEqual(Array(unauthorized).fill('Failed to load resource: the server responded with a status of 401 (Unauthorized)'));
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  it.skipIf(!hasChromium)(
    'shows a delete made through the REST shim on a bindingEvents subscription opened in GraphiQL',
    async () => {
      const demo = gateway!.demo!;
      const authorization = `Basic ${Buffer.from(`${demo.accountSid}:${demo.authToken}`).toString('base64')}`;
      const rest = (url: string, method = 'GET') => fetch(`${gateway!.baseUrl}${url}`, { method, headers: { authorization } });
      const services = (await (await rest('/v2/Services?PageSize=1')).json()) as { services: Array<{ sid: string }> };
      const serviceSid = services.services[0]!.sid;
      const bindings = (await (await rest(`/v2/Services/${serviceSid}/Bindings?PageSize=1`)).json()) as { bindings: Array<{ sid: string }> };
      const bindingSid = bindings.bindings[0]!.sid;

      const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway!.baseUrl });
      const page = await context.newPage();
      const w = await watch(page);
      try {
        await page.goto(`${gateway!.baseUrl}/graphql`);
        const headers = page.getByRole('region', { name: 'Headers' }).locator('.graphiql-editor:not(.hidden)');
        await expect.poll(() => editorText(headers)).toBe(squeeze(DEFAULT_HEADERS));
        await pasteInto(page, headers, JSON.stringify({ Authorization: authorization }));
        const subscription = `subscription WatchBindings { bindingEvents(serviceSid: "${serviceSid}") { kind binding { sid } } }`;
        await pasteInto(page, page.getByRole('region', { name: 'Operation Editor' }), subscription);
        // The editor shows the text before GraphiQL's state holds it (Execute would
        // still run the previous query): the tab takes the operation's name then.
        await expect.poll(() => page.getByRole('button', { name: 'WatchBindings', exact: true }).count(), { timeout: 30_000 }).toBe(1);
        // GraphiQL sends a subscription as GET with Accept: text/event-stream; its
        // answer's headers arrive once the gateway holds the subscription (on
        // PostgreSQL after its listening connection is set up: slow on a loaded machine).
        const opened = page.waitForResponse(
          (r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/graphql' && r.request().headers().accept === 'text/event-stream',
          { timeout: 90_000 },
        );
        await page.getByRole('button', { name: /^Execute query/ }).click();
        const stream = await opened.catch((err: unknown) => {
          // What to look at when it does not open: the gateway's log and the page's failures.
          console.log(`gateway output:\n${gateway!.stdout().slice(-3000)}\npage errors: ${[...w.errors, ...w.failed].join('\n')}`);
          throw err;
        });
        expect(stream.status()).toBe(200);
        expect(stream.headers()['content-type']).toMatch(/^text\/event-stream/);
        const deleted = await rest(`/v2/Services/${serviceSid}/Bindings/${bindingSid}`, 'DELETE');
        expect(deleted.status).toBe(204);
        const shownAfterDelete = Date.now();
        const result = () => editorText(page.getByRole('region', { name: 'Result Window' }));
        await expect.poll(result, { timeout: 30_000 }).toContain(`"bindingEvents":{"kind":"DELETED","binding":{"sid":"${bindingSid}"}}`);
        console.log(`bindingEvents in GraphiQL: the REST delete showed in the result pane ${Date.now() - shownAfterDelete} ms after its 204`);
        expect(w.nonLocal).toEqual([]);
        expect(await w.violations()).toEqual([]);
      } finally {
        await context.close();
      }
    },
    180_000,
  );
});
