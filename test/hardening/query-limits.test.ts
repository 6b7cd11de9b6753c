import request from 'supertest';
import { StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

/** Every hostile query must be refused before a single resolver (and so a single SQL statement) runs. */
describe('query limits (SPEC §12, issue 7)', () => {
  let app: TestApp;
  let token: string;
  let dossierId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const org = await anOrganisation(app.db.ds);
    const worker = await aProfessional(app.db.ds, org);
    dossierId = (await aDossier().withAssignment(worker).withEntries(3, worker.id).build(app.db.ds, org)).dossier.id;
    token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
  });
  afterAll(() => app.close());

  async function expectRefused(query: string) {
    const before = app.statements();
    const res = await app.gql(query, undefined, token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.map((e) => e.extensions.code)).toContain('QUERY_TOO_COMPLEX');
    // The message says which limit, never the numbers.
    for (const e of res.errors!.filter((x) => x.extensions.code === 'QUERY_TOO_COMPLEX')) expect(e.message).not.toMatch(/\d/);
    expect(app.statements() - before).toBe(0);
    return res;
  }

  it('should refuse a 20-deep query', async () => {
    let q = 'id';
    for (let i = 0; i < 20; i += 1) q = `node { ${q} }`;
    await expectRefused(`{ dossiers { edges { ${q} } } }`);
  });

  it('should refuse 100 aliases', async () => {
    await expectRefused(`{ ${Array.from({ length: 100 }, (_, i) => `a${i}: dossiers(first: 1) { edges { node { id } } }`).join(' ')} }`);
  });

  it('should refuse a 10,000-token query', async () => {
    await expectRefused(`{ dossiers { edges { node { ${Array.from({ length: 5000 }, () => 'id').join(' ')} } } } }`);
  });

  it('should refuse 60 directives', async () => {
    await expectRefused(`{ dossiers { edges { node { id ${Array.from({ length: 60 }, () => '@include(if: true)').join(' ')} } } } }`);
  });

  it('should refuse a query whose page sizes multiply into too much data', async () => {
    await expectRefused('{ dossiers(first: 100) { edges { node { entries(first: 100) { edges { node { text kind occurredOn } } } family(first: 100) { edges { node { relation } } } } } } }');
  });

  it('should answer a query that does not parse with 400 GRAPHQL_PARSE_FAILED, running nothing', async () => {
    const before = app.statements();
    const res = await app.gql('query Broken { dossier(', undefined, token);
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(app.statements() - before).toBe(0);
  });

  it('should still answer the screens Kluis serves: a dossier page within the limits', async () => {
    const res = await app.gql(
      `query($id: ID!) { dossier(id: $id) { id subject { firstName lastName bsn } family { edges { node { relation person { firstName phone } } } }
        entries(first: 20) { edges { node { kind occurredOn text author { displayName } } } } supportPlan { goals { edges { node { text } } } } } }`,
      { id: dossierId },
      token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.dossier.entries.edges).toHaveLength(3);
  });

  it('should refuse a 1 MB body with 413 and a GraphQL error, running nothing', async () => {
    const before = app.statements();
    const res = await request(app.app).post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${token}`)
      .send(JSON.stringify({ query: `{ dossiers { edges { node { id } } } } #${'x'.repeat(1024 * 1024)}` }));
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(app.statements() - before).toBe(0);
  });

  it('should refuse an array of operations (batching)', async () => {
    const before = app.statements();
    const res = await request(app.app).post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${token}`)
      .send([{ query: '{ dossiers { edges { node { id } } } }' }, { query: '{ dossiers { edges { node { id } } } }' }]);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain(dossierId);
    expect(app.statements() - before).toBe(0);
  });
});

describe('production mode (SPEC §13, issue 7)', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ production: true });
    const org = await anOrganisation(app.db.ds);
    token = await app.staffToken(org, StaffRole.CARE_WORKER, await aProfessional(app.db.ds, org));
  });
  afterAll(() => app.close());

  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__schema under an alias', '{ s: __schema { queryType { name } } }'],
    ['__type', '{ __type(name: "Person") { fields { name } } }'],
    ['__type under an alias', '{ t: __type(name: "Dossier") { name } }'],
  ])('should refuse introspection: %s', async (_name, query) => {
    const res = await app.gql(query, undefined, token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(res.response.body)).not.toMatch(/"Person"|"Dossier"|queryType|"fields"/);
  });

  it('should give no field suggestion for a misspelled field', async () => {
    const res = await app.gql('{ dossiers { edges { node { subjct { firstName } } } } }', undefined, token);
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(res.response.body)).not.toMatch(/Did you mean|subject/);
  });

  it('should still serve a normal query', async () => {
    const res = await app.gql('{ dossiers { edges { node { id } } } }', undefined, token);
    expect(res.errors).toBeUndefined();
  });
});

describe('development mode', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('should allow introspection, for the explorer', async () => {
    const res = await app.gql('{ __schema { queryType { name } } }');
    expect(res.data?.__schema.queryType.name).toBe('Query');
  });
});
