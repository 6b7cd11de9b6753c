import { FamilyRelation, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { eventsOf } from '../support/access-log';
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
type AccessPage = { dossiers: { edges: { node: { id: string; myAccess: { relationships: string[] } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
const ACCESS_PAGE = 'query($after: String) { dossiers(first: 2, after: $after) { edges { node { id myAccess { relationships } } } pageInfo { hasNextPage endCursor } } }';

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

  it('should list a dossier reached by two relationships once, with both, page by page, and log one event for it', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const signalled = { verwijsindexSignalOn: addMonths(dutchToday(), -1) };
    // Newest last: two dossiers the partner reaches twice (signal and entitlement), one only by its signal, one only by its entitlement.
    const both1 = (await aDossier().with(signalled).withEntitlement().build(ds, org)).dossier.id;
    const signalOnly = (await aDossier().with(signalled).build(ds, org)).dossier.id;
    const both2 = (await aDossier().with(signalled).withEntitlement().build(ds, org)).dossier.id;
    const entitlementOnly = (await aDossier().withEntitlement().build(ds, org)).dossier.id;
    const token = await app.partnerToken(org, 'verwijsindex municipality');

    const seen: { id: string; relationships: string[] }[] = [];
    const requests: GqlResult<AccessPage>[] = [];
    let after: string | null = null;
    for (let page = 0; page < 4; page += 1) {
      const res: GqlResult<AccessPage> = await app.gql<AccessPage>(ACCESS_PAGE, { after }, token);
      requests.push(res);
      seen.push(...nodes<{ id: string; myAccess: { relationships: string[] } }>(res.data?.dossiers).map((d) => ({ id: d.id, relationships: [...d.myAccess.relationships].sort() })));
      if (!res.data?.dossiers.pageInfo.hasNextPage) break;
      after = res.data.dossiers.pageInfo.endCursor;
    }
    // Two full pages: the dossiers reached twice neither fill a page twice nor end it early.
    expect(requests).toHaveLength(2);
    expect(seen.map((d) => d.id)).toEqual([entitlementOnly, both2, signalOnly, both1]);
    const byId = new Map(seen.map((d) => [d.id, d.relationships]));
    const twice = byId.get(both1)!;
    expect(twice).toHaveLength(2);
    expect(byId.get(both2)).toEqual(twice);
    expect(byId.get(signalOnly)).toHaveLength(1);
    expect(byId.get(entitlementOnly)).toHaveLength(1);
    expect(twice).toEqual([...byId.get(signalOnly)!, ...byId.get(entitlementOnly)!].sort());

    // One READ event per dossier shown, naming both relationships of a dossier reached twice.
    const events = (await eventsOf(ds, requests[0])).filter((e) => e.action === 'READ');
    expect(events.map((e) => e.dossier_id).sort()).toEqual([entitlementOnly, both2].sort());
    expect(events.find((e) => e.dossier_id === both2)?.relationship.split(',').sort()).toEqual(['partner_municipality', 'partner_verwijsindex']);
    expect(events.find((e) => e.dossier_id === entitlementOnly)?.relationship).toBe('partner_municipality');
  });
});
