import { StaffRole } from '../../src/entities/enums';
import { sha256 } from '../../src/http/operation-allowlist';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

const BSN_QUERY = '{ dossiers { edges { node { subject { bsn } } } } }';

describe('rate limiting per token subject (issue 7)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ limits: { ratePerMinute: 5, partnerOperations: {} } });
  });
  afterAll(() => app.close());

  it('should answer the sixth request of a subject within a minute with 429 RATE_LIMITED, without running it', async () => {
    const org = await anOrganisation(app.db.ds);
    const token = await app.staffToken(org, StaffRole.CARE_WORKER, await aProfessional(app.db.ds, org));
    for (let i = 0; i < 5; i += 1) expect((await app.gql('{ dossiers { edges { node { id } } } }', undefined, token)).status).toBe(200);
    const before = app.statements();
    const res = await app.gql('{ dossiers { edges { node { id } } } }', undefined, token);
    expect(res.status).toBe(429);
    expect(res.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(app.statements() - before).toBe(0);
  });

  it('should count each subject on its own: another staff member is not limited by the first', async () => {
    const org = await anOrganisation(app.db.ds);
    const a = await app.staffToken(org, StaffRole.CARE_WORKER, await aProfessional(app.db.ds, org));
    const b = await app.staffToken(org, StaffRole.CARE_WORKER, await aProfessional(app.db.ds, org));
    for (let i = 0; i < 6; i += 1) await app.gql('{ dossiers { edges { node { id } } } }', undefined, a);
    expect((await app.gql('{ dossiers { edges { node { id } } } }', undefined, b)).status).toBe(200);
  });

  it('should refuse a bad token with 401 before counting it against anyone', async () => {
    const res = await app.gql('{ dossiers { edges { node { id } } } }', undefined, 'not.a.token');
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
  });
});

describe('partner operation allowlist (persisted operations, issue 7)', () => {
  let app: TestApp;
  let orgToken: (clientId: string) => Promise<string>;
  let bsn: string;
  beforeAll(async () => {
    app = await startTestApp({ limits: { ratePerMinute: 1_000_000, partnerOperations: { 'vi-app': { [sha256(BSN_QUERY)]: BSN_QUERY } } } });
    const org = await anOrganisation(app.db.ds);
    const worker = await aProfessional(app.db.ds, org);
    const built = await aDossier().withAssignment(worker).with({ verwijsindexSignalOn: '2026-01-01' }).build(app.db.ds, org);
    bsn = built.subject.bsn!;
    orgToken = (clientId) => app.partnerToken(org, 'verwijsindex', clientId);
  });
  afterAll(() => app.close());

  it('should run an allowlisted operation sent as text', async () => {
    const res = await app.gql(BSN_QUERY, undefined, await orgToken('vi-app'));
    expect(res.errors).toBeUndefined();
    expect(res.data?.dossiers.edges[0].node.subject.bsn).toBe(bsn);
  });

  it('should run an allowlisted operation sent by its hash alone', async () => {
    const res = await app.response(await orgToken('vi-app'), { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(BSN_QUERY) } } });
    expect(res.status).toBe(200);
    expect(res.body.data.dossiers.edges[0].node.subject.bsn).toBe(bsn);
  });

  it('should refuse an unknown operation of a listed client with 403 FORBIDDEN, running nothing', async () => {
    const before = app.statements();
    const res = await app.gql('{ dossiers { edges { node { id subject { bsn } } } } }', undefined, await orgToken('vi-app'));
    expect(res.status).toBe(403);
    expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(JSON.stringify(res.response.body)).not.toContain(bsn);
    expect(app.statements() - before).toBe(0);
  });

  it('should refuse an unknown hash of a listed client', async () => {
    const res = await app.response(await orgToken('vi-app'), { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ dossiers { edges { node { id } } } }') } } });
    expect(res.status).toBe(403);
  });

  it('should leave a partner that is not listed to the policy alone', async () => {
    const res = await app.gql('{ dossiers { edges { node { id } } } }', undefined, await orgToken('other-app'));
    expect(res.status).toBe(200);
  });
});
