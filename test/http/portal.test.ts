import { decodeJwt } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { createApp, KluisApp } from '../../src/app';
import { verificationKeys } from '../../src/auth/dev-keys';
import { createTokenVerifier } from '../../src/auth/token-verifier';
import { DEMO_CLIENTS } from '../../src/demo/demo-users';
import { mintDemoTokens } from '../../src/demo/demo-tokens';
import { seedDemoData } from '../../src/demo/seed';
import { PORTAL_CSP, PORTAL_DEMO_USERS } from '../../src/http/portal';
import { startTestApp, TEST_AUDIENCE, TEST_AUDIT_KEY, TEST_ISSUER, TestApp } from '../support/test-app';

/**
 * The client portal's HTTP side (the page itself is tested in a browser: test-e2e/portal.test.ts).
 * Development only; its demo sign-in hands out the demo clients' tokens and nothing else.
 */
describe('client portal over HTTP (development only)', () => {
  let app: TestApp;
  const apps: KluisApp[] = [];

  /** Another app on the test database, trusting the test key, with the explorer's demo tokens signed by it. */
  async function appWith({ production, demoTokens }: { production: boolean; demoTokens: boolean }): Promise<KluisApp> {
    const verifyToken = createTokenVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: verificationKeys(app.key) });
    const explorer = demoTokens ? { demoTokens: () => mintDemoTokens({ key: app.key, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }) } : undefined;
    const kluis = await createApp({ ds: app.db.ds, verifyToken, log: pino({ level: 'silent' }), production, auditKey: TEST_AUDIT_KEY, explorer });
    apps.push(kluis);
    return kluis;
  }

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const a of apps) await a.apollo.stop();
    await app?.close();
  });

  describe('in development', () => {
    it('should serve the page, its module and its stylesheet with a CSP of the server itself only', async () => {
      for (const [file, type] of [['', 'text/html'], ['portal.js', 'javascript'], ['portal.css', 'text/css']]) {
        const res = await request(app.app).get(`/portal/${file}`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toContain(type);
        expect(res.headers['content-security-policy']).toBe(PORTAL_CSP);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('DENY');
      }
      expect(PORTAL_CSP).toContain("default-src 'self'");
      expect(PORTAL_CSP).toContain("frame-ancestors 'none'");
      expect(PORTAL_CSP).not.toMatch(/unsafe-|https?:|data:|\*/);
    });

    it('should redirect /portal to /portal/ so the page’s relative URLs resolve', async () => {
      const res = await request(app.app).get('/portal');
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe('/portal/');
    });

    it('should serve no file outside portal/', async () => {
      for (const p of ['/portal/%2e%2e/package.json', '/portal/..%2fpackage.json', '/portal/.data', '/portal/../src/app.ts']) {
        const res = await request(app.app).get(p);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.text).not.toContain('"dependencies"');
      }
    });

    it('should load no script or style from elsewhere, and put no data in the page with innerHTML', async () => {
      const html = (await request(app.app).get('/portal/')).text;
      expect(html).not.toMatch(/<script(?![^>]*src="portal\.js")/);
      expect(html).not.toMatch(/https?:\/\//);
      // The code without its comments (which explain why these are not used).
      const js = (await request(app.app).get('/portal/portal.js')).text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      expect(js).toContain('textContent');
      expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
      expect(js).not.toMatch(/localStorage|sessionStorage/);
    });

    it('should offer no demo sign-in when the server has no demo tokens (e.g. JWKS_URL/JWKS_FILE configured)', async () => {
      expect((await request(app.app).get('/portal/api/demo-users')).body).toEqual({ users: [] });
      expect((await request(app.app).post('/portal/api/demo-token').send({ user: 'parent' })).status).toBe(404);
    });

    it('should hand out the demo clients’ tokens, which Kluis accepts, when the server has demo tokens', async () => {
      await seedDemoData(app.db.ds);
      const kluis = await appWith({ production: false, demoTokens: true });
      const users = await request(kluis.app).get('/portal/api/demo-users');
      expect(users.body.users.map((u: { id: string }) => u.id)).toEqual(['parent', 'child_12_15', 'youth_16_plus']);
      for (const u of PORTAL_DEMO_USERS) {
        const res = await request(kluis.app).post('/portal/api/demo-token').send({ user: u.id });
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
        const claims = decodeJwt(res.body.token);
        expect(claims).toMatchObject({ role: 'client', person: DEMO_CLIENTS[u.id].personId, sub: DEMO_CLIENTS[u.id].sub });
        const gql = await request(kluis.app).post('/graphql').set('authorization', `Bearer ${res.body.token}`).send({ query: '{ dossiers { edges { node { myAccess { relationships } } } } }' });
        expect(gql.status).toBe(200);
        expect(gql.body.data.dossiers.edges.map((e: { node: { myAccess: { relationships: string[] } } }) => e.node.myAccess.relationships)).toEqual([[u.id]]);
      }
    });

    it('should refuse a staff, partner or unknown user on the demo sign-in, though the explorer has their tokens', async () => {
      const kluis = await appWith({ production: false, demoTokens: true });
      for (const user of ['care_worker', 'privacy_officer', 'partner_municipality', 'nobody', '__proto__', '']) {
        const res = await request(kluis.app).post('/portal/api/demo-token').send({ user });
        expect(res.status).toBe(400);
        expect(res.body.token).toBeUndefined();
      }
    });
  });

  describe('in production', () => {
    it('should answer 404 for the page and the demo sign-in, even when given demo tokens', async () => {
      const kluis = await appWith({ production: true, demoTokens: true });
      for (const p of ['/portal', '/portal/', '/portal/portal.js', '/portal/api/demo-users']) expect((await request(kluis.app).get(p)).status).toBe(404);
      const res = await request(kluis.app).post('/portal/api/demo-token').send({ user: 'parent' });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('token');
    });
  });
});
