import { FamilyRelation, StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { codeAt, nodes } from '../support/scenario-builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

/** The same dossier field through three aliases: one DataLoader batch of three ids. */
const THREE = `query($a: ID!, $b: ID!, $c: ID!) {
  a: dossier(id: $a) { id subject { firstName } }
  b: dossier(id: $b) { id subject { firstName } }
  c: dossier(id: $c) { id subject { firstName } }
}`;
const ONE = 'query($a: ID!) { a: dossier(id: $a) { id subject { firstName } } }';
type Page = { dossiers: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
const PAGE = 'query($after: String) { dossiers(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }';

/*
 * The relationship rows of the dossiers a request asks for come back with the dossier rows, in
 * one statement for a whole batch of ids (or a whole list page): these check that batching
 * them gives every dossier its own decision, for each kind of relationship query.
 */
describe('relationships of several dossiers decided in one statement', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('should show a care worker both assigned dossiers of a batch and answer NOT_FOUND for the unassigned one, in as many statements as one dossier', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const other = await aProfessional(ds, org);
    const mine1 = await aDossier().withAssignment(worker).build(ds, org);
    const theirs = await aDossier().withAssignment(other).build(ds, org);
    const mine2 = await aDossier().withAssignment(worker).build(ds, org);
    const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);

    const before = app.statements();
    const one = await app.gql(ONE, { a: mine1.dossier.id }, token);
    const forOne = app.statements() - before;
    expect(one.data?.a.subject.firstName).toBe(mine1.subject.firstName);

    const start = app.statements();
    const res = await app.gql(THREE, { a: mine1.dossier.id, b: theirs.dossier.id, c: mine2.dossier.id }, token);
    expect(app.statements() - start).toBe(forOne);
    expect(res.data?.a.subject.firstName).toBe(mine1.subject.firstName);
    expect(res.data?.c.subject.firstName).toBe(mine2.subject.firstName);
    expect(res.data?.b).toBeNull();
    expect(codeAt(res, ['b'])).toBe('NOT_FOUND');
    expect(res.response.text).not.toContain(theirs.subject.firstName);
  });

  it('should show a parent the dossier of their child in custody and answer NOT_FOUND for the one without custody, in one batch', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const parent = await aPerson().aged(41).build(ds, org);
    const withCustody = await aDossier().withSubject(aPerson().aged(8)).withParent(parent, { custody: true, relation: FamilyRelation.FATHER }).build(ds, org);
    const without = await aDossier().withSubject(aPerson().aged(10)).withParent(parent, { custody: false, relation: FamilyRelation.FATHER }).build(ds, org);
    const stranger = await aDossier().withSubject(aPerson().aged(6)).build(ds, org);
    const token = await app.clientToken(parent);

    const res = await app.gql(THREE, { a: without.dossier.id, b: withCustody.dossier.id, c: stranger.dossier.id }, token);
    expect(res.data?.b.subject.firstName).toBe(withCustody.subject.firstName);
    expect(res.data?.a).toBeNull();
    expect(res.data?.c).toBeNull();
    expect([codeAt(res, ['a']), codeAt(res, ['c'])]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    for (const hidden of [without, stranger]) expect(res.response.text).not.toContain(hidden.subject.firstName);
  });

  it('should page a privacy officer through every dossier of their organisation and none of another', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const elsewhere = await anOrganisation(ds);
    const officer = await aProfessional(ds, org);
    const ours = [];
    for (let i = 0; i < 5; i += 1) ours.push((await aDossier().build(ds, org)).dossier.id);
    const theirs = (await aDossier().build(ds, elsewhere)).dossier.id;
    const token = await app.staffToken(org, StaffRole.PRIVACY_OFFICER, officer);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const res: GqlResult<Page> = await app.gql<Page>(PAGE, { after }, token);
      seen.push(...nodes<{ id: string }>(res.data?.dossiers).map((d) => d.id));
      if (!res.data?.dossiers.pageInfo.hasNextPage) break;
      after = res.data.dossiers.pageInfo.endCursor;
    }
    // Newest first, each exactly once.
    expect(seen).toEqual([...ours].reverse());
    expect(seen).not.toContain(theirs);
  });
});
