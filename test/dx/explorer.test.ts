import { decodeJwt } from 'jose';
import request from 'supertest';
import { generateSigningKey } from '../../src/auth/dev-keys';
import { loadConfig } from '../../src/config';
import { demoClaims } from '../../src/demo/demo-tokens';
import { DEMO_UNASSIGNED_CARE_WORKER } from '../../src/demo/demo-users';
import { seedDemoData } from '../../src/demo/seed';
import { explorerOptionsFor } from '../../src/dx/explorer';
import { startTestApp, TestApp } from '../support/test-app';

const DOSSIERS = 'query MyDossiers { dossiers(first: 5) { edges { node { id } } } }';

/** The values of every src= and href= attribute in the page. */
function references(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
}

function config(html: string): { tokens: Record<string, string>; defaultQuery: string } {
  const m = /<script type="application\/json" id="kluis-explorer-config">([^<]*)<\/script>/.exec(html);
  if (!m) throw new Error('no explorer config in the page');
  return JSON.parse(m[1]);
}

const buttonIds = (html: string) => [...html.matchAll(/data-token-id="([^"]*)"/g)].map((m) => m[1]).filter(Boolean);

describe('the development explorer at /graphiql (issue 8)', () => {
  let app: TestApp;
  let html: string;

  beforeAll(async () => {
    app = await startTestApp({ explorer: { demoTokens: true } });
    await seedDemoData(app.db.ds);
    const res = await request(app.app).get('/graphiql');
    expect(res.status).toBe(200);
    html = res.text;
  });
  afterAll(() => app.close());

  it('should serve a GraphiQL page that references only same-origin URLs', async () => {
    const refs = references(html);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) expect(ref).toMatch(/^\/graphiql\/assets\/[a-z.-]+$/);
    expect(html).not.toMatch(/https?:\/\//i);
    // Protocol-relative URLs would load from another host too.
    expect(html).not.toMatch(/(src|href)="\/\//);
  });

  it('should serve every asset the page references from the installed packages, with the right type', async () => {
    for (const ref of references(html)) {
      const res = await request(app.app).get(ref).buffer(true).parse((r, done) => {
        r.on('data', () => undefined);
        r.on('end', () => done(null, null));
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(ref.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/);
      expect(Number(res.headers['content-length'] ?? 1)).toBeGreaterThan(0);
    }
    const graphiql = await request(app.app).get('/graphiql/assets/graphiql.min.js');
    expect(graphiql.text).toContain('GraphiQL');
  });

  it('should send a Content-Security-Policy that allows scripts and connections from the same origin only', async () => {
    const res = await request(app.app).get('/graphiql');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|\*|https?:)/);
    expect(csp).not.toMatch(/https?:|\*/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('should not serve files other than the named assets', async () => {
    for (const path of ['/graphiql/assets/package.json', '/graphiql/assets/..%2Fpackage.json', '/graphiql/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/graphiql/assets/constructor']) {
      expect((await request(app.app).get(path)).status).toBe(404);
    }
  });

  it('should redirect a browser asking for /graphql to the explorer, and leave API clients alone', async () => {
    const browser = await request(app.app).get('/graphql').set('accept', 'text/html,application/xhtml+xml');
    expect(browser.status).toBe(303);
    expect(browser.headers.location).toBe('/graphiql');
    const client = await request(app.app).get('/graphql').query({ query: '{ __typename }' }).set('accept', 'application/json').set('apollo-require-preflight', 'true');
    expect(client.status).toBe(200);
    expect(client.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('should offer one button per demo user, each with a token as `npm run token -- --role …` mints it', () => {
    const { tokens } = config(html);
    const ids = buttonIds(html);
    expect(ids.sort()).toEqual(Object.keys(tokens).sort());
    expect(ids).toEqual(expect.arrayContaining(['care_worker', 'behavioural_expert', 'admin_support', 'privacy_officer', 'auditor', 'parent', 'child_12_15', 'youth_16_plus', 'partner_verwijsindex']));
    const claimsOf = (id: string) => {
      const { iat: _iat, exp: _exp, iss: _iss, aud: _aud, ...claims } = decodeJwt(tokens[id]);
      return claims;
    };
    expect(claimsOf('care_worker')).toEqual(demoClaims('care_worker'));
    expect(claimsOf('parent')).toEqual(demoClaims('parent'));
    expect(claimsOf('partner_verwijsindex')).toEqual(demoClaims('partner', { scope: 'verwijsindex' }));
    expect(claimsOf('care_worker_unassigned')).toEqual(demoClaims('care_worker', { sub: DEMO_UNASSIGNED_CARE_WORKER.sub }));
  });

  it('should have every demo token accepted by the API', async () => {
    const { tokens } = config(html);
    for (const [id, token] of Object.entries(tokens)) {
      const res = await app.gql(DOSSIERS, {}, token);
      expect({ id, status: res.status }).toEqual({ id, status: 200 });
      expect(res.errors?.map((e) => e.extensions.code) ?? []).not.toContain('UNAUTHENTICATED');
    }
  });

  it('should let the demo care worker see the demo caseload and the demo parent her child’s dossier, and an unknown token nothing', async () => {
    const { tokens } = config(html);
    const count = async (token: string) => (await app.gql(DOSSIERS, {}, token)).data?.dossiers.edges.length;
    expect(await count(tokens.care_worker)).toBeGreaterThan(0);
    expect(await count(tokens.parent)).toBeGreaterThan(0);
    expect(await count(tokens.care_worker_unassigned)).toBe(0);
    const forged = `${tokens.care_worker.slice(0, -4)}AAAA`;
    expect((await app.gql(DOSSIERS, {}, forged)).status).toBe(401);
  });
});

describe('when the explorer is not offered', () => {
  it('should answer 404 for the page and its assets in production, even when asked to serve it', async () => {
    const app = await startTestApp({ production: true, explorer: { demoTokens: true } });
    try {
      for (const path of ['/graphiql', '/graphiql/assets/graphiql.min.js', '/graphiql/assets/explorer.js']) {
        expect((await request(app.app).get(path)).status).toBe(404);
      }
      // Nor Apollo's landing page (which would load from a CDN): a browser gets no HTML.
      const browser = await request(app.app).get('/graphql').set('accept', 'text/html');
      expect(browser.status).not.toBe(303);
      expect(browser.headers['content-type'] ?? '').not.toMatch(/html/);
    } finally {
      await app.close();
    }
  });

  it('should not load Apollo’s CDN landing page in development either', async () => {
    const app = await startTestApp();
    try {
      const browser = await request(app.app).get('/graphql').set('accept', 'text/html');
      expect(browser.headers['content-type'] ?? '').not.toMatch(/html/);
      expect(browser.text).not.toMatch(/cdn\.apollographql|embeddable-sandbox/);
    } finally {
      await app.close();
    }
  });

  it('should show no demo tokens when the server trusts configured keys (JWKS)', async () => {
    const app = await startTestApp({ explorer: { demoTokens: false } });
    try {
      const res = await request(app.app).get('/graphiql');
      expect(res.status).toBe(200);
      expect(buttonIds(res.text)).toEqual([]);
      expect(config(res.text).tokens).toEqual({});
      expect(res.text).toMatch(/JWKS/);
    } finally {
      await app.close();
    }
  });

  it('should decide from the configuration: demo tokens only with the development key trusted, nothing in production', async () => {
    const devKey = await generateSigningKey();
    expect(explorerOptionsFor(loadConfig({}), devKey)?.demoTokens).toEqual(expect.any(Function));
    expect(explorerOptionsFor(loadConfig({ JWKS_FILE: '/etc/kluis/jwks.json' }), devKey)).toEqual({ demoTokens: undefined });
    expect(explorerOptionsFor(loadConfig({ JWKS_URL: 'https://idp.example/jwks' }), devKey)).toEqual({ demoTokens: undefined });
    const production = loadConfig({ NODE_ENV: 'production', JWKS_FILE: '/etc/kluis/jwks.json', JWT_ISSUER: 'https://idp', JWT_AUDIENCE: 'kluis' });
    expect(explorerOptionsFor(production, devKey)).toBeUndefined();
    const tokens = await explorerOptionsFor(loadConfig({}), devKey)!.demoTokens!();
    expect(decodeJwt(tokens[0].token).iss).toBe(loadConfig({}).jwt.issuer);
  });
});
