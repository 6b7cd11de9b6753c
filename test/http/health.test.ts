import { Client } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp, KluisApp } from '../../src/app';
import { generateSigningKey, verificationKeys } from '../../src/auth/dev-keys';
import { createTokenVerifier } from '../../src/auth/token-verifier';
import { createDataSource } from '../../src/db/data-source';
import { createTestDatabase, TestDatabase } from '../support/database';
import { startTestApp, TEST_AUDIENCE, TEST_ISSUER, TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('health endpoints', () => {
  let app: TestApp;
  const extraApps: KluisApp[] = [];
  const extraDbs: TestDatabase[] = [];

  /** Another Kluis app on `ds`, for states the shared test app must not be put in. */
  async function appOn(ds: DataSource): Promise<KluisApp> {
    const verifyToken = createTokenVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: verificationKeys(await generateSigningKey()) });
    const kluis = await createApp({ ds, verifyToken, log: pino({ level: 'silent' }), production: false, auditKey: Buffer.alloc(32, 7) });
    extraApps.push(kluis);
    return kluis;
  }

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const a of extraApps) await a.apollo.stop();
    for (const db of extraDbs) await db.drop();
    await app?.close();
  });

  describe('GET /healthz', () => {
    it('should answer 200 with status ok', async () => {
      const res = await request(app.app).get('/healthz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });
  });

  describe('GET /readyz', () => {
    it('should answer 200 with status ready on a migrated database', async () => {
      const res = await request(app.app).get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready' });
    });

    it('should answer 503 when the DataSource points at a closed port and was never initialised', async () => {
      const ds = createDataSource({ url: 'postgres://postgres@127.0.0.1:1/x' });
      const kluis = await appOn(ds);
      const res = await request(kluis.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'not ready', reason: 'database unreachable' });
    });

    it('should answer 503 when an initialised DataSource loses its database', async () => {
      const db = await createTestDatabase();
      extraDbs.push(db);
      const kluis = await appOn(db.ds);
      expect((await request(kluis.app).get('/readyz')).status).toBe(200);

      const admin = new Client({ connectionString: process.env.KLUIS_TEST_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE "${db.name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }

      const res = await request(kluis.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'not ready', reason: 'database unreachable' });
      // /healthz is about the process only.
      expect((await request(kluis.app).get('/healthz')).status).toBe(200);
    });

    it('should answer 503 with reason "migrations pending" when a migration is missing', async () => {
      const db = await createTestDatabase();
      extraDbs.push(db);
      await db.ds.undoLastMigration({ transaction: 'all' });
      expect(await db.ds.showMigrations()).toBe(true);
      const kluis = await appOn(db.ds);

      const res = await request(kluis.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'not ready', reason: 'migrations pending' });

      await db.ds.runMigrations({ transaction: 'each' });
      const after = await request(kluis.app).get('/readyz');
      expect(after.status).toBe(200);
      expect(after.body).toEqual({ status: 'ready' });
    });
  });

  describe('x-request-id', () => {
    it.each([
      ['GET /healthz', () => request(app.app).get('/healthz')],
      ['GET /readyz', () => request(app.app).get('/readyz')],
      ['POST /graphql', () => request(app.app).post('/graphql').send({ query: '{ __typename }' })],
      ['POST /graphql refused with 401', () => request(app.app).post('/graphql').set('authorization', 'Basic x').send({ query: '{ __typename }' })],
      ['an unknown path', () => request(app.app).get('/no-such-thing')],
    ])('should be set on every response (%s)', async (_name, send) => {
      const res = await send();
      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    it('should give every request a different id', async () => {
      const a = await request(app.app).get('/healthz');
      const b = await request(app.app).get('/healthz');
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it.each(['abcdef12-3456-7890', 'A1B2C3D4', 'x'.repeat(64)])('should echo a valid incoming id (%s)', async (id) => {
      const res = await request(app.app).get('/healthz').set('x-request-id', id);
      expect(res.headers['x-request-id']).toBe(id);
    });

    it('should echo a valid incoming id on /graphql too', async () => {
      const id = `req-${Date.now().toString(36)}-abc`;
      const res = await request(app.app).post('/graphql').set('x-request-id', id).send({ query: '{ __typename }' });
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe(id);
    });

    it.each([
      ['containing spaces', 'has spaces in it'],
      ['of 200 characters', 'a'.repeat(200)],
      ['of 65 characters', 'a'.repeat(65)],
      ['shorter than 8 characters', 'abc1234'],
      ['with punctuation', 'abcdefgh;rm -rf'],
      ['with a newline-like escape', 'abcdefgh%0d%0aSet-Cookie:x'],
      ['with non-ASCII letters', 'identiteit-ü-12345'],
    ])('should replace an invalid incoming id (%s)', async (_name, id) => {
      const res = await request(app.app).get('/healthz').set('x-request-id', id);
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).not.toBe(id);
      expect(res.headers['x-request-id']).toMatch(UUID);
    });
  });
});
