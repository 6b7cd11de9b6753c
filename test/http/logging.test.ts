import { randomBytes } from 'node:crypto';
import pino from 'pino';
import request, { Response } from 'supertest';
import { createDataSource } from '../../src/db/data-source';
import { Organisation, Person, Professional } from '../../src/entities';
import { StaffRole } from '../../src/entities/enums';
import { dutchToday } from '../../src/util/dates';
import { anOrganisation, aProfessional, randomBsn } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

const CREATE_DOSSIER = 'mutation($input: CreateDossierInput!) { createDossier(input: $input) { id } }';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  [key: string]: unknown;
}

/** Names no other test uses, so that finding them in a log can only mean this test leaked them. */
const uniqueName = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

function subject(overrides: Record<string, unknown> = {}) {
  return {
    firstName: uniqueName('Wietske'),
    lastName: uniqueName('Hoogeveen'),
    dateOfBirth: '2012-05-01',
    bsn: randomBsn(),
    street: `Lindelaan ${randomBytes(2).readUInt16BE()}`,
    postalCode: '3511 AB',
    city: 'Utrecht',
    phone: '06-87654321',
    email: `${uniqueName('w')}@example.org`,
    ...overrides,
  };
}

/** Every response of this file: no stack trace, ever. */
function expectNoStack(res: Response): void {
  for (const e of res.body.errors ?? []) {
    expect(e.extensions ?? {}).not.toHaveProperty('stacktrace');
    expect(e.extensions ?? {}).not.toHaveProperty('exception');
  }
  expect(res.text).not.toMatch(/\n\s+at |stacktrace/);
}

describe('structured logs', () => {
  const written: string[] = [];
  let app: TestApp;
  let org: Organisation;
  let worker: Professional;
  let token: string;

  /** Runs `work` and returns the log lines written meanwhile, each parsed as JSON (which must succeed). */
  async function logsOf(work: () => Promise<void>): Promise<{ raw: string; lines: LogLine[] }> {
    const from = written.length;
    await work();
    // The request line is written on the response's 'finish' event.
    await new Promise((resolve) => setImmediate(resolve));
    const raw = written.slice(from).join('');
    const lines = raw.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as LogLine);
    for (const line of lines) {
      expect(typeof line.level).toBe('number');
      expect(typeof line.msg).toBe('string');
    }
    expect(lines.filter((l) => l.msg === 'request').every((l) => typeof l.requestId === 'string' && l.requestId.length >= 8)).toBe(true);
    return { raw, lines };
  }

  function gql(query: string, variables: Record<string, unknown>, authorization?: string) {
    const req = request(app.app).post('/graphql').set('content-type', 'application/json');
    if (authorization) req.set('authorization', authorization);
    return req.send({ query, variables });
  }

  beforeAll(async () => {
    const log = pino({ level: 'debug' }, { write: (s: string) => void written.push(s) });
    app = await startTestApp({ log });
    org = await anOrganisation(app.db.ds);
    worker = await aProfessional(app.db.ds, org);
    token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('should log a createDossier request as JSON with its request id but without the token, the BSN or any name', async () => {
    const person = subject();
    let res!: Response;
    const { raw, lines } = await logsOf(async () => {
      res = await gql(CREATE_DOSSIER, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: person } }, `Bearer ${token}`);
    });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createDossier.id).toEqual(expect.any(String));
    expectNoStack(res);

    const requestLine = lines.find((l) => l.msg === 'request');
    expect(requestLine).toMatchObject({ requestId: res.headers['x-request-id'], method: 'POST', path: '/graphql', status: 200, viewer: StaffRole.CARE_WORKER });
    for (const secret of [token, ...token.split('.'), person.bsn, person.firstName, person.lastName, person.email, person.street]) {
      expect(raw).not.toContain(secret);
    }
  });

  it('should log a request with an invalid token without the token', async () => {
    const bad = await app.sign({ sub: worker.subject, role: 'care_worker', org: org.id, amr: ['otp'] }, { ttl: -3600 });
    let res!: Response;
    const { raw, lines } = await logsOf(async () => {
      res = await gql('{ dossiers(first: 1) { edges { node { id } } } }', {}, `Bearer ${bad}`);
    });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expectNoStack(res);
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ requestId: res.headers['x-request-id'], status: 401 });
    for (const part of [bad, ...bad.split('.')]) expect(raw).not.toContain(part);
  });

  it('should log a request with a garbage Authorization header without the header value', async () => {
    const garbage = `Bearer ${uniqueName('not-a-jwt-')}`;
    let res!: Response;
    const { raw, lines } = await logsOf(async () => {
      res = await gql('{ __typename }', {}, garbage);
    });
    expect(res.status).toBe(401);
    expect(lines.some((l) => l.msg === 'request' && l.requestId === res.headers['x-request-id'])).toBe(true);
    expect(raw).not.toContain(garbage.slice('Bearer '.length));
  });

  it('should keep an invalid BSN out of both the log and the response', async () => {
    const person = subject({ bsn: '123456789' });
    let res!: Response;
    const { raw } = await logsOf(async () => {
      res = await gql(CREATE_DOSSIER, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: person } }, `Bearer ${token}`);
    });
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.subject.bsn' });
    expectNoStack(res);
    for (const secret of [person.bsn, person.firstName, person.lastName, token]) {
      expect(raw).not.toContain(secret);
      expect(res.text).not.toContain(secret);
    }
  });

  it('should keep a duplicate BSN out of both the log and the response', async () => {
    const bsn = randomBsn();
    const first = await gql(CREATE_DOSSIER, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subject({ bsn }) } }, `Bearer ${token}`);
    expect(first.body.errors).toBeUndefined();
    const person = subject({ bsn });
    let res!: Response;
    const { raw } = await logsOf(async () => {
      res = await gql(CREATE_DOSSIER, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: person } }, `Bearer ${token}`);
    });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expectNoStack(res);
    for (const secret of [bsn, person.firstName, person.lastName]) {
      expect(raw).not.toContain(secret);
      expect(res.text).not.toContain(secret);
    }
  });

  it('should answer an internal error without stack trace or internal message, and log it without personal data', async () => {
    // Forces a database failure on inserting one marked person, in this file's own database.
    const marker = uniqueName('Crash');
    await app.db.ds.query(`
      CREATE FUNCTION kluis_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.first_name = '${marker}' THEN RAISE EXCEPTION 'simulated storage failure'; END IF;
        RETURN NEW;
      END $$`);
    await app.db.ds.query('CREATE TRIGGER kluis_test_fail BEFORE INSERT ON person FOR EACH ROW EXECUTE FUNCTION kluis_test_fail()');
    try {
      const person = subject({ firstName: marker });
      let res!: Response;
      const { raw, lines } = await logsOf(async () => {
        res = await gql(CREATE_DOSSIER, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: person } }, `Bearer ${token}`);
      });
      expect(res.status).toBe(200);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].message).toBe('Internal server error');
      expect(res.body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(res.body.data).toEqual({ createDossier: null });
      expectNoStack(res);
      expect(res.text).not.toMatch(/simulated|INSERT|person|kluis_test_fail/);

      expect(lines.some((l) => l.msg === 'unexpected error')).toBe(true);
      expect(lines.find((l) => l.msg === 'request')).toMatchObject({ requestId: res.headers['x-request-id'], status: 200 });
      expect(raw).not.toMatch(/\n\s+at /);
      for (const secret of [token, person.bsn, person.firstName, person.lastName, person.email]) expect(raw).not.toContain(secret);
    } finally {
      await app.db.ds.query('DROP TRIGGER kluis_test_fail ON person');
      await app.db.ds.query('DROP FUNCTION kluis_test_fail()');
    }
  });

  it('should log a failing SQL statement of the DataSource without its parameters', async () => {
    const dsLines: string[] = [];
    const ds = createDataSource({ url: app.db.url, log: pino({ level: 'debug' }, { write: (s: string) => void dsLines.push(s) }), poolSize: 1 });
    await ds.initialize();
    try {
      const bsn = randomBsn();
      const firstName = uniqueName('Geertje');
      const row = { organisationId: org.id, firstName, lastName: 'Jansen', dateOfBirth: '2011-03-04', bsn };
      await ds.getRepository(Person).insert(row);
      await expect(ds.getRepository(Person).insert(row)).rejects.toThrow(/duplicate key/);
      const raw = dsLines.join('');
      const lines = raw.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
      expect(lines.some((l) => l.msg === 'sql error')).toBe(true);
      expect(raw).not.toContain(bsn);
      expect(raw).not.toContain(firstName);
    } finally {
      await ds.destroy();
    }
  });
});
