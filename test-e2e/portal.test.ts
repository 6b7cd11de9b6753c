import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { Browser, chromium, Page } from 'playwright-core';
import { createApp, KluisApp } from '../src/app';
import { verificationKeys } from '../src/auth/dev-keys';
import { createTokenVerifier } from '../src/auth/token-verifier';
import { mintDemoTokens } from '../src/demo/demo-tokens';
import { seedDemoData } from '../src/demo/seed';
import { FamilyRelation, HiddenFrom, StaffRole } from '../src/entities/enums';
import { PORTAL_CSP } from '../src/http/portal';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../test/support/builders';
import { startTestApp, TEST_AUDIENCE, TEST_AUDIT_KEY, TEST_ISSUER, TestApp } from '../test/support/test-app';

/** Debian's chromium (apt-get install chromium); the CI installs it when missing. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Under .data/ (gitignored): the screenshots are artefacts of a run, not sources. */
const SCREENSHOTS = path.resolve(__dirname, '../.data/screenshots');

const CARE_READ = 'query CareWorkerRead($id: ID!) { dossier(id: $id) { id subject { firstName bsn } entries { edges { node { text } } } } }';
/** The care worker's earlier reads of the 14-year-old's dossier: more than one page (10) of the "who viewed" list. */
const WORKER_READS = 12;

interface Operation {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

describe('client portal in headless Chromium (SPEC §4, §4 note 4)', () => {
  let app: TestApp;
  let base: string;
  let browser: Browser;
  let f: Awaited<ReturnType<typeof family>>;

  const servers: Server[] = [];
  const extraApps: KluisApp[] = [];

  /** Listens on an ephemeral port of 127.0.0.1; returns the base URL. */
  async function listen(kluis: KluisApp): Promise<string> {
    const s = await new Promise<Server>((resolve) => {
      const started = kluis.app.listen(0, '127.0.0.1', () => resolve(started));
    });
    servers.push(s);
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    app = await startTestApp();
    base = await listen(app);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (as .ci/run does)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    f = await family();
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
    for (const a of extraApps) await a.apollo.stop();
    await app?.close();
  });

  /**
   * One family, two dossiers: Emma (14) and her brother Daan (17), both with a mother and a father
   * with custody. The father's address is confidential. The mother is a parent in Emma's dossier;
   * in Daan's (16+, no PARENTAL_ACCESS consent) she has no access. Each dossier has an entry
   * hidden from PARENTS and one hidden from the SUBJECT. The care worker read Emma's dossier
   * WORKER_READS times and Daan's once, before anyone signs in to the portal.
   */
  async function family() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org, `cw-${randomUUID()}`);
    const emma = await aPerson().aged(14).with({ phone: '06-11112222' }).build(ds, org);
    const daan = await aPerson().aged(17).with({ phone: '06-33334444' }).build(ds, org);
    const mother = await aPerson().aged(44).with({ phone: '06-55556666' }).build(ds, org);
    const father = await aPerson().aged(46).with({ phone: '06-77778888' }).confidentialAddress().build(ds, org);
    const text = () => ({ open: `Gesprek over school ${randomUUID()}`, notForParents: `Vertelt over thuis ${randomUUID()}`, notForSubject: `Zorg over ouder ${randomUUID()}` });
    const emmaText = text();
    const daanText = text();
    const build = (subject: typeof emma, t: typeof emmaText) => aDossier()
      .withSubject(subject)
      .withParent(mother, { custody: true, relation: FamilyRelation.MOTHER })
      .withParent(father, { custody: true, relation: FamilyRelation.FATHER })
      .withAssignment(worker)
      .withGoal(`Weer naar school ${randomUUID()}`)
      .withEntitlement()
      .withEntry({ authorId: worker.id, text: t.open })
      .withEntry({ authorId: worker.id, text: t.notForParents, hiddenFrom: [HiddenFrom.PARENTS] })
      .withEntry({ authorId: worker.id, text: t.notForSubject, hiddenFrom: [HiddenFrom.SUBJECT] })
      .build(ds, org);
    const emmaDossier = await build(emma, emmaText);
    const daanDossier = await build(daan, daanText);
    const workerToken = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
    for (let i = 0; i < WORKER_READS; i += 1) expect((await app.gql(CARE_READ, { id: emmaDossier.dossier.id }, workerToken)).errors).toBeUndefined();
    expect((await app.gql(CARE_READ, { id: daanDossier.dossier.id }, workerToken)).errors).toBeUndefined();
    return { org, worker, emma, daan, mother, father, emmaText, daanText, emmaDossier: emmaDossier.dossier, daanDossier: daanDossier.dossier };
  }

  /** A fresh browser context (no shared state between viewers) with the page's errors collected. */
  async function openPortal(at = base): Promise<{ page: Page; problems: string[]; operations: Operation[]; close(): Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    // What the page asks Kluis, in order: it must ask myAccess first and then only what it may read.
    const operations: Operation[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname !== '/graphql') return;
      const body = r.postDataJSON() as { query: string; variables?: Record<string, unknown> };
      operations.push({ name: /^query (\w+)/.exec(body.query)?.[1] ?? '', query: body.query, variables: body.variables ?? {} });
    });
    // A CSP violation or a script error shows up here; the page must have none.
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    const res = await page.goto(`${at}/portal/`);
    expect(res?.status()).toBe(200);
    return { page, problems, operations, close: () => context.close() };
  }

  async function signInWithToken(page: Page, token: string): Promise<void> {
    await page.fill('[data-testid="token-input"]', token);
    await page.click('[data-testid="token-submit"]');
    await page.waitForSelector('[data-testid="log-row"]');
  }

  /** [data-state, text] of one field of one person on the page. */
  async function field(page: Page, personSelector: string, name: string): Promise<[string | null, string]> {
    const el = page.locator(`${personSelector} [data-field="${name}"]`).first();
    return [await el.getAttribute('data-state'), ((await el.locator('dd').textContent()) ?? '').trim()];
  }

  const member = (id: string) => `[data-testid="family-member"][data-person="${id}"]`;
  const subject = '[data-testid="subject"]';

  async function screenshot(page: Page, name: string): Promise<void> {
    const file = path.join(SCREENSHOTS, `portal-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  }

  describe('served by Kluis in development', () => {
    it('should serve the page, its module and its stylesheet under a CSP that allows only the server itself', async () => {
      for (const [file, type] of [['', 'text/html'], ['portal.js', 'javascript'], ['portal.css', 'text/css']]) {
        const res = await fetch(`${base}/portal/${file}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain(type);
        expect(res.headers.get('content-security-policy')).toBe(PORTAL_CSP);
      }
      expect(PORTAL_CSP).not.toMatch(/unsafe-|https?:|\*/);
    });

    it('should refuse a pasted token Kluis does not trust, and show no dossier', async () => {
      const { page, close } = await openPortal();
      const forged = await app.sign({ sub: 'x', role: 'client', person: f.mother.id, org: f.org.id }, { audience: 'someone-else' });
      await page.fill('[data-testid="token-input"]', forged);
      await page.click('[data-testid="token-submit"]');
      await page.waitForSelector('[data-testid="status"][data-kind="error"]');
      expect(await page.textContent('[data-testid="status"]')).toContain('niet geaccepteerd');
      expect(await page.isVisible('[data-testid="dossier"]')).toBe(false);
      await close();
    });
  });

  describe('demo sign-in (development, the server trusting the development key)', () => {
    it('should sign in as a demo client with one click, using the explorer’s demo tokens, and ask only for what she may read', async () => {
      // The demo organisation next to the test family, and an app that hands out its demo tokens
      // signed with the key it trusts (as main.ts does with the development key).
      await seedDemoData(app.db.ds);
      const verifyToken = createTokenVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: verificationKeys(app.key) });
      const kluis = await createApp({
        ds: app.db.ds, verifyToken, log: pino({ level: 'silent' }), production: false, auditKey: TEST_AUDIT_KEY,
        explorer: { demoTokens: () => mintDemoTokens({ key: app.key, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }) },
      });
      extraApps.push(kluis);
      const { page, problems, operations, close } = await openPortal(await listen(kluis));
      try {
        await page.waitForSelector('[data-demo-user]');
        const offered = await page.locator('[data-demo-user]').evaluateAll((els) => els.map((e) => e.getAttribute('data-demo-user')));
        expect(offered).toEqual(['parent', 'child_12_15', 'youth_16_plus']);
        const dossierResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' && String(r.request().postData()).includes('query PortalDossier('));
        await page.click('[data-demo-user="child_12_15"]');
        await page.waitForSelector('[data-testid="log-row"]');
        expect(await page.textContent('[data-testid="relationships"]')).toBe('kind (12–15 jaar)');
        expect(await field(page, subject, 'firstName')).toEqual(['shown', 'Emma']);
        // A 14-year-old reads no identifiers and no entitlement (§4): the page does not ask for them,
        // so nothing comes back FORBIDDEN for them, and it says "Geen inzage" instead.
        expect(operations.find((o) => o.name === 'PortalDossier')?.variables).toMatchObject({ identity: true, care: true, identifiers: false, entitlement: false });
        const errors = ((await (await dossierResponse).json()) as { errors?: { path: string[] }[] }).errors ?? [];
        expect(errors.filter((e) => e.path.at(-1) === 'bsn' || e.path.includes('entitlements'))).toEqual([]);
        expect((await field(page, subject, 'bsn'))[0]).toBe('no-access');
        expect(await page.locator('[data-section="entitlement"]').getAttribute('data-state')).toBe('no-access');
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    });

    it('should offer no demo sign-in when the server has no demo tokens: a pasted token only', async () => {
      const { page, close } = await openPortal();
      try {
        await page.waitForSelector('#demo-users[data-loaded]', { state: 'attached' });
        expect(await page.locator('[data-demo-user]').count()).toBe(0);
        expect(await page.isVisible('[data-testid="token-input"]')).toBe(true);
      } finally {
        await close();
      }
    });
  });

  describe('a parent with custody of a 14-year-old', () => {
    let page: Page;
    let problems: string[];
    let operations: Operation[];
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ page, problems, operations, close } = await openPortal());
      await signInWithToken(page, await app.clientToken(f.mother));
    });
    afterAll(() => close?.());

    it('should list only the child’s dossier, not that of the 17-year-old brother', async () => {
      const ids = await page.locator('[data-dossier-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-dossier-id')));
      expect(ids).toEqual([f.emmaDossier.id]);
      expect(await page.textContent('[data-testid="dossier-list"]')).toContain(f.emma.firstName!);
      expect(await page.textContent('body')).not.toContain(f.daan.firstName!);
      expect(await page.textContent('[data-testid="relationships"]')).toBe('ouder met gezag');
    });

    it('should show the child’s name, BSN and phone', async () => {
      expect(await field(page, subject, 'firstName')).toEqual(['shown', f.emma.firstName]);
      expect(await field(page, subject, 'bsn')).toEqual(['shown', f.emma.bsn]);
      expect(await field(page, subject, 'phone')).toEqual(['shown', f.emma.phone]);
    });

    it('should show the parent’s own phone but withhold her own BSN (subject’s BSN only)', async () => {
      expect(await field(page, member(f.mother.id), 'phone')).toEqual(['shown', f.mother.phone]);
      expect((await field(page, member(f.mother.id), 'bsn'))[0]).toBe('denied');
    });

    it('should show the other parent’s name but mark his confidential address, phone and BSN as withheld', async () => {
      expect(await field(page, member(f.father.id), 'firstName')).toEqual(['shown', f.father.firstName]);
      expect(await field(page, member(f.father.id), 'relation')).toEqual(['shown', 'vader']);
      for (const name of ['street', 'phone', 'bsn']) expect(await field(page, member(f.father.id), name)).toEqual(['denied', 'Afgeschermd']);
      const body = (await page.textContent('body'))!;
      for (const value of [f.father.street!, f.father.phone!, f.father.bsn!, f.mother.bsn!]) expect(body).not.toContain(value);
    });

    it('should show the goals and the entries, except the entry hidden from PARENTS', async () => {
      const entries = await page.locator('[data-testid="entry"]').allTextContents();
      expect(entries.some((t) => t.includes(f.emmaText.open))).toBe(true);
      expect(entries.some((t) => t.includes(f.emmaText.notForSubject))).toBe(true);
      expect(entries).toHaveLength(2);
      expect(await page.textContent('body')).not.toContain(f.emmaText.notForParents);
      expect(await page.locator('[data-testid="goal"]').count()).toBe(1);
      expect(await page.locator('[data-section="entitlement"]').getAttribute('data-state')).toBe('shown');
    });

    it('should say which categories the parent cannot see at all (work notes), without asking for them', async () => {
      expect(await page.textContent('[data-testid="access-unreadable"]')).toContain('Werkaantekeningen');
      expect(await page.textContent('[data-testid="access-read"]')).toContain('Inzageoverzicht');
      expect(operations[0].name).toBe('PortalDossiers');
      expect(operations[0].query).toContain('myAccess');
      expect(operations.map((o) => o.name)).toEqual(expect.arrayContaining(['PortalDossierNames', 'PortalDossier', 'PortalAccessLog']));
      for (const o of operations) expect(o.query).not.toContain('workNotes');
    });

    it('should list the care worker’s earlier reads under "who viewed", a page at a time', async () => {
      expect(await page.locator('[data-testid="log-row"]').count()).toBe(10);
      expect(await page.locator('[data-testid="log-row"][data-role="care_worker"]').first().textContent()).toContain('Een hulpverlener bekeek het dossier');
      expect(await page.isVisible('[data-testid="log-more"]')).toBe(true);
      while (await page.isVisible('[data-testid="log-more"]')) {
        const before = await page.locator('[data-testid="log-row"]').count();
        await page.click('[data-testid="log-more"]');
        // A function, not a string: the page's CSP rightly refuses to evaluate strings.
        await page.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid="log-row"]').length > n, before);
      }
      expect(await page.locator('[data-testid="log-row"][data-role="care_worker"]').count()).toBe(WORKER_READS);
      // No staff identity reaches the client (§4 note 4: staff names optional; Kluis leaves them out).
      expect(await page.textContent('[data-section="access-log"]')).not.toContain(f.worker.subject);
    });

    it('should take a screenshot and have had no script or CSP errors', async () => {
      await screenshot(page, 'parent');
      expect(problems).toEqual([]);
    });
  });

  describe('a youth of 17 in his own dossier', () => {
    let page: Page;
    let problems: string[];
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ page, problems, close } = await openPortal());
      await signInWithToken(page, await app.clientToken(f.daan));
    });
    afterAll(() => close?.());

    it('should list only his own dossier, not his sister’s', async () => {
      const ids = await page.locator('[data-dossier-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-dossier-id')));
      expect(ids).toEqual([f.daanDossier.id]);
      expect(await page.textContent('body')).not.toContain(f.emma.firstName!);
      expect(await page.textContent('[data-testid="relationships"]')).toBe('jongere (16 jaar of ouder)');
    });

    it('should show his own name, BSN and phone', async () => {
      expect(await field(page, subject, 'firstName')).toEqual(['shown', f.daan.firstName]);
      expect(await field(page, subject, 'bsn')).toEqual(['shown', f.daan.bsn]);
      expect(await field(page, subject, 'phone')).toEqual(['shown', f.daan.phone]);
    });

    it('should show his parents by name only: their phone, BSN and relation withheld', async () => {
      for (const parent of [f.mother, f.father]) {
        expect(await field(page, member(parent.id), 'firstName')).toEqual(['shown', parent.firstName]);
        for (const name of ['phone', 'bsn', 'relation']) expect((await field(page, member(parent.id), name))[0]).toBe('denied');
      }
      const body = (await page.textContent('body'))!;
      for (const value of [f.mother.phone!, f.mother.bsn!, f.father.phone!, f.father.street!]) expect(body).not.toContain(value);
    });

    it('should show the entry hidden from his parents, but not the one hidden from him', async () => {
      const entries = await page.locator('[data-testid="entry"]').allTextContents();
      expect(entries.some((t) => t.includes(f.daanText.open))).toBe(true);
      expect(entries.some((t) => t.includes(f.daanText.notForParents))).toBe(true);
      expect(entries).toHaveLength(2);
      expect(await page.textContent('body')).not.toContain(f.daanText.notForSubject);
    });

    it('should list the care worker’s earlier read under "who viewed", on one page', async () => {
      expect(await page.locator('[data-testid="log-row"][data-role="care_worker"]').count()).toBe(1);
      expect(await page.isVisible('[data-testid="log-more"]')).toBe(false);
    });

    it('should take a screenshot and have had no script or CSP errors', async () => {
      await screenshot(page, 'youth');
      expect(problems).toEqual([]);
    });

    it('should sign out and forget the dossier', async () => {
      await page.click('[data-testid="sign-out"]');
      expect(await page.isVisible('[data-testid="dossier"]')).toBe(false);
      expect(await page.textContent('body')).not.toContain(f.daan.bsn!);
    });
  });
});
