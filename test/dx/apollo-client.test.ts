import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt, randomUUID } from 'node:crypto';
import type { ApolloClient } from '@apollo/client';
import { createKluisClient, errorCodes, screenVariables, withheldFields } from '../../examples/client';
import {
  AddEntryDocument, AuditorDossiersDocument, CaseloadDocument, CreateAuditorGrantDocument, DossierPageDocument, MunicipalityDossiersDocument,
  MyDossiersDocument, ParentPortalDocument, VerwijsindexSignalsDocument, YouthViewDocument,
} from '../../examples/generated/graphql';
import { Entitlement, Person } from '../../src/entities';
import { FamilyRelation, HiddenFrom, StaffRole } from '../../src/entities/enums';
import { dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { narrowPolicy } from '../support/scenario-builders';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A frontend team's client against the real server: Apollo Client 4 (HttpLink over node's fetch,
 * InMemoryCache) runs the typed documents generated from `examples/*.graphql` over HTTP, for each
 * kind of viewer, and sees exactly what SPEC §4 allows — allowed fields with their values, denied
 * ones as null with a FORBIDDEN error at their path, a dossier without relationship as NOT_FOUND —
 * and how `myAccess` lets a screen leave out what it cannot show.
 */

// Every query asks the server (a screen would often use the cache; these tests are about what the
// server sends) and keeps partial data next to the errors, as a screen showing "not visible" must.
const fresh = { errorPolicy: 'all', fetchPolicy: 'network-only' } as const;
const PSEUDONYM = /^Pseudoniem [0-9A-F]{10}$/;
const sorted = <T extends string>(xs: readonly T[] | null | undefined): T[] => [...(xs ?? [])].sort();
const nodes = <T>(connection: { edges: { node: T }[] } | null | undefined): T[] => connection?.edges.map((e) => e.node) ?? [];

describe('Apollo Client 4 running the example operations against the server (SPEC §4, §12)', () => {
  let app: TestApp;
  let server: Server;
  let url: string;
  const clients: ApolloClient[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    // A real listening server on an ephemeral port: HttpLink speaks HTTP, not supertest.
    server = app.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    for (const c of clients) c.stop();
    // fetch keeps connections alive; close them so the server (and jest) can end.
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await app?.close();
  });

  /** One Apollo Client per viewer: the normalised cache must never mix what two viewers may see. */
  function clientFor(token: string): ApolloClient {
    const client = createKluisClient({ url, token });
    clients.push(client);
    return client;
  }

  /**
   * A 14-year-old's dossier (two parents with custody, the father's address confidential), a
   * care worker on the team, a goal, an entitlement, a verwijsindex signal, a work note and three
   * entries: one for everyone, one hidden from the parents, one hidden from the child. Plus a
   * second dossier of the organisation that none of these people has a relationship to.
   */
  async function world() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    // Distinct phone numbers, so a test can tell whose number leaked.
    const phone = () => `06-${String(randomInt(10_000_000, 100_000_000))}`;
    const child = await aPerson().aged(14).with({ phone: phone() }).build(ds, org);
    const mother = await aPerson().aged(41).with({ phone: phone() }).build(ds, org);
    const father = await aPerson().aged(43).with({ phone: phone() }).confidentialAddress().build(ds, org);
    const text = { open: `Gesprek met gezin ${randomUUID()}`, notForParents: `Kind vertelt over thuis ${randomUUID()}`, notForChild: `Zorg over ouder ${randomUUID()}` };
    const goal = `Weer naar school ${randomUUID()}`;
    const note = `Werkaantekening ${randomUUID()}`;
    const built = await aDossier()
      .withSubject(child)
      .withParent(mother, { custody: true, relation: FamilyRelation.MOTHER })
      .withParent(father, { custody: true, relation: FamilyRelation.FATHER })
      .withAssignment(worker)
      .withGoal(goal)
      .withEntitlement()
      .withEntry({ authorId: worker.id, text: text.open })
      .withEntry({ authorId: worker.id, text: text.notForParents, hiddenFrom: [HiddenFrom.PARENTS] })
      .withEntry({ authorId: worker.id, text: text.notForChild, hiddenFrom: [HiddenFrom.SUBJECT] })
      .withWorkNote(worker, note)
      .with({ verwijsindexSignalOn: dutchToday() })
      .build(ds, org);
    const other = await aDossier().withParent().build(ds, org);
    const entitlement = await ds.getRepository(Entitlement).findOneByOrFail({ dossierId: built.dossier.id });
    return { org, worker, child, mother, father, text, goal, note, entitlement, ...built, other: other.dossier };
  }
  type World = Awaited<ReturnType<typeof world>>;

  const names = (p: Person) => ({ id: p.id, firstName: p.firstName, lastName: p.lastName });
  /** Index of a person in a family list (the list has no fixed order). */
  const familyIndex = (family: { edges: { node: { person?: { id: string } | null } }[] } | null | undefined, person: Person) => {
    const i = family?.edges.findIndex((e) => e.node.person?.id === person.id) ?? -1;
    if (i < 0) throw new Error('person not in the family list');
    return i;
  };

  describe('a care worker on the care team', () => {
    it('should see the caseload and the whole dossier page, without a single error', async () => {
      const w = await world();
      const worker = clientFor(await app.staffToken(w.org, StaffRole.CARE_WORKER, w.worker));

      const caseload = await worker.query({ query: CaseloadDocument, ...fresh });
      expect(caseload.error).toBeUndefined();
      expect(caseload.data?.dossiers.edges.map((e) => e.node)).toMatchObject([{
        id: w.dossier.id, status: 'OPEN', type: 'YOUTH_CARE', openedOn: w.dossier.openedOn,
        subject: { ...names(w.child), dateOfBirth: w.child.dateOfBirth }, myAccess: { relationships: ['care_worker'], emergency: false },
      }]);
      expect(caseload.data?.dossiers.pageInfo.hasNextPage).toBe(false);

      const page = await worker.query({ query: DossierPageDocument, variables: { id: w.dossier.id }, ...fresh });
      expect(page.error).toBeUndefined();
      const d = page.data!.dossier!;
      expect(d.myAccess.relationships).toEqual(['care_worker']);
      expect(sorted(d.myAccess.read)).toEqual(['CARE', 'CONSENT', 'CONTACT', 'ENTITLEMENT', 'FAMILY', 'IDENTIFIERS', 'IDENTITY', 'RIGHTS', 'WORK_NOTES']);
      expect(d.subject).toMatchObject({ ...names(w.child), bsn: w.child.bsn, phone: w.child.phone, street: w.child.street, email: w.child.email });
      const father = nodes(d.family)[familyIndex(d.family, w.father)];
      expect(father).toMatchObject({ relation: 'FATHER', hasCustody: true, person: { ...names(w.father), phone: w.father.phone } });
      expect(nodes(d.careTeam).map((a) => a.professional?.displayName)).toEqual([w.worker.displayName]);
      expect(nodes(d.entitlements)).toMatchObject([{ id: w.entitlement.id, decisionNumber: w.entitlement.decisionNumber, municipality: w.entitlement.municipality }]);
      expect(nodes(d.supportPlan?.goals).map((g) => g.text)).toEqual([w.goal]);
      expect(sorted(nodes(d.entries).map((e) => e.text!))).toEqual(sorted(Object.values(w.text)));
      expect(nodes(d.workNotes).map((n) => n.text)).toEqual([w.note]);
    });

    it('should add an entry hidden from the parents that the parent portal then does not list and the child does', async () => {
      const w = await world();
      const worker = clientFor(await app.staffToken(w.org, StaffRole.CARE_WORKER, w.worker));
      const text = `Vertrouwelijk gesprek ${randomUUID()}`;
      const added = await worker.mutate({
        mutation: AddEntryDocument,
        variables: { input: { dossierId: w.dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text, hiddenFrom: ['PARENTS'] } },
        errorPolicy: 'all',
      });
      expect(added.error).toBeUndefined();
      expect(added.data?.addEntry).toMatchObject({ text, hiddenFrom: ['PARENTS'], author: { displayName: w.worker.displayName } });

      const mother = clientFor(await app.clientToken(w.mother));
      const portal = await mother.query({
        query: ParentPortalDocument,
        variables: { id: w.dossier.id, canSeeIdentifiers: true, canSeeFamily: true, canSeeCare: true, canSeeEntitlement: true, canSeeAccessLog: true },
        ...fresh,
      });
      expect(portal.error).toBeUndefined();
      expect(nodes(portal.data?.dossier?.entries).map((e) => e.text)).not.toContain(text);
      const child = clientFor(await app.clientToken(w.child));
      const view = await child.query({ query: YouthViewDocument, variables: { id: w.dossier.id, canSeeIdentifiers: false, canSeeEntitlement: false }, ...fresh });
      expect(view.error).toBeUndefined();
      expect(nodes(view.data?.dossier?.entries).map((e) => e.text)).toContain(text);
    });

    it('should get NOT_FOUND for a dossier of the organisation they are not assigned to', async () => {
      const w = await world();
      const worker = clientFor(await app.staffToken(w.org, StaffRole.CARE_WORKER, w.worker));
      const res = await worker.query({ query: DossierPageDocument, variables: { id: w.other.id }, ...fresh });
      expect(res.data?.dossier).toBeNull();
      expect(errorCodes(res.error)).toEqual(['NOT_FOUND']);
    });
  });

  describe('a parent with custody (the parent portal)', () => {
    async function portalOf(w: World) {
      const mother = clientFor(await app.clientToken(w.mother));
      const mine = await mother.query({ query: MyDossiersDocument, ...fresh });
      expect(mine.error).toBeUndefined();
      const [entry] = nodes(mine.data?.dossiers);
      const portal = await mother.query({ query: ParentPortalDocument, variables: { id: entry.id, ...screenVariables(entry.myAccess) }, ...fresh });
      return { mother, entry, portal };
    }

    it('should read the dossier through myAccess with no FORBIDDEN error: the child’s BSN, the family by name, plan, journal, entitlements and who viewed it', async () => {
      const w = await world();
      const { entry, portal } = await portalOf(w);
      expect(entry).toMatchObject({ id: w.dossier.id, subject: names(w.child), myAccess: { relationships: ['parent'], emergency: false } });
      expect(entry.myAccess.write).not.toContain('CARE');
      expect(sorted(entry.myAccess.read)).toEqual(['ACCESS_LOG', 'CARE', 'CONSENT', 'CONTACT', 'ENTITLEMENT', 'FAMILY', 'IDENTIFIERS', 'IDENTITY', 'RIGHTS']);

      expect(portal.error).toBeUndefined();
      const d = portal.data!.dossier!;
      expect(d.subject).toMatchObject({ ...names(w.child), dateOfBirth: w.child.dateOfBirth, bsn: w.child.bsn });
      expect(sorted(nodes(d.family).map((m) => `${m.relation} ${m.hasCustody} ${m.person?.firstName} ${m.person?.lastName}`))).toEqual(sorted([
        `MOTHER true ${w.mother.firstName} ${w.mother.lastName}`, `FATHER true ${w.father.firstName} ${w.father.lastName}`,
      ]));
      expect(nodes(d.supportPlan?.goals).map((g) => g.text)).toEqual([w.goal]);
      // Not listed at all: the entry hidden from parents (§4 note 2).
      expect(sorted(nodes(d.entries).map((e) => e.text!))).toEqual(sorted([w.text.open, w.text.notForChild]));
      expect(nodes(d.entitlements).map((e) => e.decisionNumber)).toEqual([w.entitlement.decisionNumber]);
      expect(nodes(d.careTeam).map((a) => a.professional?.displayName)).toEqual([w.worker.displayName]);
      expect(d.status).toBe('OPEN');
      // The MyDossiers read just before is in the dossier's log, in plain terms.
      expect(nodes(d.accessLog)).toEqual(expect.arrayContaining([expect.objectContaining({ relationship: 'parent', action: 'READ', emergency: false })]));
      expect(JSON.stringify(portal.data)).not.toContain(w.text.notForParents);
    });

    it('should get the other parent’s contact data and the work notes as null + FORBIDDEN at their paths when using the care worker’s page', async () => {
      const w = await world();
      const mother = clientFor(await app.clientToken(w.mother));
      const res = await mother.query({ query: DossierPageDocument, variables: { id: w.dossier.id }, ...fresh });
      const d = res.data!.dossier!;
      const i = familyIndex(d.family, w.father);
      const j = familyIndex(d.family, w.mother);
      expect(withheldFields(res.error)).toEqual(sorted([
        `dossier.family.edges.${i}.node.person.email`, `dossier.family.edges.${i}.node.person.phone`, 'dossier.workNotes',
      ]));
      expect(new Set(errorCodes(res.error))).toEqual(new Set(['FORBIDDEN']));
      expect(nodes(d.family)[i].person).toMatchObject({ ...names(w.father), phone: null, email: null });
      expect(d.workNotes).toBeNull();
      // The rest of the result stays: her own contact data, the child's, the plan.
      expect(nodes(d.family)[j].person).toMatchObject({ phone: w.mother.phone, email: w.mother.email });
      expect(d.subject).toMatchObject({ bsn: w.child.bsn, street: w.child.street });
      expect(nodes(d.supportPlan?.goals).map((g) => g.text)).toEqual([w.goal]);
      expect(JSON.stringify(res.data)).not.toContain(w.note);
      expect(JSON.stringify(res.data)).not.toContain(w.father.phone!);
    });

    it('should get NOT_FOUND for a dossier she has no relationship to', async () => {
      const w = await world();
      const mother = clientFor(await app.clientToken(w.mother));
      const res = await mother.query({ query: ParentPortalDocument, variables: { id: w.other.id, ...screenVariables({ read: ['CARE'] }) }, ...fresh });
      expect(res.data?.dossier).toBeNull();
      expect(errorCodes(res.error)).toEqual(['NOT_FOUND']);
      expect(nodes((await mother.query({ query: MyDossiersDocument, ...fresh })).data?.dossiers).map((n) => n.id)).toEqual([w.dossier.id]);
    });

    it('should leave out plan and journal, without errors, when the organisation denies parents CARE — and deny them to a screen that asks anyway', async () => {
      const w = await world();
      await narrowPolicy(app.db.ds, w.org, { deny: { parent: ['CARE'] } });
      const { mother, entry, portal } = await portalOf(w);
      expect(entry.myAccess.read).not.toContain('CARE');
      expect(portal.error).toBeUndefined();
      expect(portal.data?.dossier).not.toHaveProperty('supportPlan');
      expect(portal.data?.dossier).not.toHaveProperty('entries');
      expect(portal.data?.dossier?.subject?.bsn).toBe(w.child.bsn);

      const ignoring = await mother.query({ query: ParentPortalDocument, variables: { id: w.dossier.id, ...screenVariables(entry.myAccess), canSeeCare: true }, ...fresh });
      expect(withheldFields(ignoring.error)).toEqual(['dossier.entries', 'dossier.supportPlan']);
      expect(ignoring.data?.dossier).toMatchObject({ supportPlan: null, entries: null, subject: { bsn: w.child.bsn } });
      expect(JSON.stringify(ignoring.data)).not.toContain(w.goal);
    });
  });

  describe('the child (14) and a youth (16+)', () => {
    it('should show a 14-year-old their own data, relatives by name, the plan and journal — no BSN or entitlements asked, no errors', async () => {
      const w = await world();
      const child = clientFor(await app.clientToken(w.child));
      const mine = await child.query({ query: MyDossiersDocument, ...fresh });
      const [entry] = nodes(mine.data?.dossiers);
      expect(entry.myAccess.relationships).toEqual(['child_12_15']);
      expect(sorted(entry.myAccess.read)).toEqual(['ACCESS_LOG', 'CARE', 'CONSENT', 'CONTACT', 'FAMILY', 'IDENTITY', 'RIGHTS']);
      const variables = screenVariables(entry.myAccess);
      expect(variables).toMatchObject({ canSeeIdentifiers: false, canSeeEntitlement: false });

      const view = await child.query({ query: YouthViewDocument, variables: { id: entry.id, canSeeIdentifiers: variables.canSeeIdentifiers, canSeeEntitlement: variables.canSeeEntitlement }, ...fresh });
      expect(view.error).toBeUndefined();
      const d = view.data!.dossier!;
      expect(d.subject).toMatchObject({ ...names(w.child), phone: w.child.phone, email: w.child.email });
      expect(d.subject).not.toHaveProperty('bsn');
      expect(d).not.toHaveProperty('entitlements');
      expect(sorted(nodes(d.family).map((m) => m.person?.id ?? ''))).toEqual(sorted([w.mother.id, w.father.id]));
      expect(nodes(d.family).find((m) => m.person?.id === w.father.id)?.person).toMatchObject(names(w.father));
      expect(sorted(nodes(d.entries).map((e) => e.text!))).toEqual(sorted([w.text.open, w.text.notForParents]));
      expect(nodes(d.supportPlan?.goals).map((g) => g.text)).toEqual([w.goal]);
      expect(nodes(d.accessLog).length).toBeGreaterThan(0);
    });

    it('should give a 14-year-old null + FORBIDDEN for the BSN, entitlements, relatives’ details and work notes when a screen asks anyway', async () => {
      const w = await world();
      const child = clientFor(await app.clientToken(w.child));
      const view = await child.query({ query: YouthViewDocument, variables: { id: w.dossier.id, canSeeIdentifiers: true, canSeeEntitlement: true }, ...fresh });
      expect(withheldFields(view.error)).toEqual(['dossier.entitlements', 'dossier.subject.bsn']);
      expect(view.data?.dossier).toMatchObject({ entitlements: null, subject: { bsn: null, firstName: w.child.firstName } });

      const page = await child.query({ query: DossierPageDocument, variables: { id: w.dossier.id }, ...fresh });
      const d = page.data!.dossier!;
      const relative = (p: Person, ...fields: string[]) => fields.map((f) => `dossier.family.edges.${familyIndex(d.family, p)}.node.${f}`);
      const relativeFields = ['relation', 'hasCustody', 'informedOfRegistration', 'person.phone', 'person.email'];
      expect(withheldFields(page.error)).toEqual(sorted([
        'dossier.status', 'dossier.type', 'dossier.openedOn', 'dossier.closedOn', 'dossier.subject.bsn',
        ...relative(w.mother, ...relativeFields), ...relative(w.father, ...relativeFields),
        'dossier.careTeam', 'dossier.entitlements', 'dossier.workNotes',
      ]));
      // What stays: own data (contact too), relatives' names, the plan, the journal minus what is hidden from the child.
      expect(d.subject).toMatchObject({ ...names(w.child), bsn: null, street: w.child.street, phone: w.child.phone });
      expect(nodes(d.family)[familyIndex(d.family, w.mother)]).toMatchObject({ relation: null, person: { ...names(w.mother), phone: null } });
      expect(sorted(nodes(d.entries).map((e) => e.text!))).toEqual(sorted([w.text.open, w.text.notForParents]));
      expect(JSON.stringify(page.data)).not.toContain(w.text.notForChild);
    });

    it('should show a 16-year-old their own BSN and the entitlements, because myAccess says so', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const youth = await aPerson().aged(16).build(ds, org);
      const { dossier } = await aDossier().withSubject(youth).withParent(aPerson().aged(45)).withEntitlement().build(ds, org);
      const client = clientFor(await app.clientToken(youth));
      const [entry] = nodes((await client.query({ query: MyDossiersDocument, ...fresh })).data?.dossiers);
      expect(entry.myAccess.relationships).toEqual(['youth_16_plus']);
      const { canSeeIdentifiers, canSeeEntitlement } = screenVariables(entry.myAccess);
      expect({ canSeeIdentifiers, canSeeEntitlement }).toEqual({ canSeeIdentifiers: true, canSeeEntitlement: true });
      const view = await client.query({ query: YouthViewDocument, variables: { id: dossier.id, canSeeIdentifiers, canSeeEntitlement }, ...fresh });
      expect(view.error).toBeUndefined();
      expect(view.data?.dossier?.subject).toMatchObject({ ...names(youth), bsn: youth.bsn });
      expect(nodes(view.data?.dossier?.entitlements)).toHaveLength(1);
    });
  });

  describe('an auditor with a grant from the privacy officer (SPEC §10)', () => {
    it('should see nothing before the grant, then the granted CARE of the named dossier with the subject pseudonymised, and null + FORBIDDEN for the rest', async () => {
      const w = await world();
      const officer = clientFor(await app.staffToken(w.org, StaffRole.PRIVACY_OFFICER, await aProfessional(app.db.ds, w.org)));
      const auditorSub = `auditor-${randomUUID()}`;
      const auditor = clientFor(await app.staffToken(w.org, StaffRole.AUDITOR, auditorSub));

      const before = await auditor.query({ query: AuditorDossiersDocument, ...fresh });
      expect(before.error).toBeUndefined();
      expect(nodes(before.data?.dossiers)).toEqual([]);
      expect(errorCodes((await auditor.query({ query: DossierPageDocument, variables: { id: w.dossier.id }, ...fresh })).error)).toEqual(['NOT_FOUND']);

      const validUntil = new Date(Date.now() + 7 * 86400_000).toISOString();
      const grant = await officer.mutate({
        mutation: CreateAuditorGrantDocument,
        variables: { input: { auditorSubject: auditorSub, dossierIds: [w.dossier.id], categories: ['CARE'], purpose: 'Kwaliteitsaudit jeugdhulp', validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil } },
        errorPolicy: 'all',
      });
      expect(grant.error).toBeUndefined();
      expect(grant.data?.createAuditorGrant).toMatchObject({ auditorSubject: auditorSub, dossierIds: [w.dossier.id], categories: ['CARE'] });

      const list = await auditor.query({ query: AuditorDossiersDocument, ...fresh });
      expect(list.error).toBeUndefined();
      const [d] = nodes(list.data?.dossiers);
      expect(nodes(list.data?.dossiers)).toHaveLength(1);
      expect(d.id).toBe(w.dossier.id);
      expect(d.myAccess).toMatchObject({ relationships: ['auditor'], write: [], emergency: false });
      expect(sorted(d.myAccess.read)).toEqual(['CARE', 'IDENTITY']);
      expect(Date.parse(d.myAccess.expiresAt!)).toBe(Date.parse(validUntil));
      expect(d.subject?.firstName).toMatch(PSEUDONYM);
      // Auditors are no client group: entries hidden from parents or the child are part of the audit.
      expect(sorted(nodes(d.entries).map((e) => e.text!))).toEqual(sorted(Object.values(w.text)));
      expect(nodes(d.supportPlan?.goals).map((g) => g.text)).toEqual([w.goal]);
      expect(JSON.stringify(list.data)).not.toContain(w.child.firstName!);

      const page = await auditor.query({ query: DossierPageDocument, variables: { id: w.dossier.id }, ...fresh });
      expect(withheldFields(page.error)).toEqual(sorted([
        'dossier.status', 'dossier.type', 'dossier.openedOn', 'dossier.closedOn',
        ...['lastName', 'dateOfBirth', 'gender', 'bsn', 'street', 'postalCode', 'city', 'phone', 'email', 'addressConfidential'].map((f) => `dossier.subject.${f}`),
        'dossier.family', 'dossier.careTeam', 'dossier.entitlements', 'dossier.workNotes',
      ]));
      expect(page.data?.dossier?.subject).toMatchObject({ id: w.child.id, firstName: d.subject?.firstName, lastName: null, bsn: null });
      expect(nodes(page.data?.dossier?.entries)).toHaveLength(3);
      expect(errorCodes((await auditor.query({ query: DossierPageDocument, variables: { id: w.other.id }, ...fresh })).error)).toEqual(['NOT_FOUND']);
    });
  });

  describe('partner applications (SPEC §1)', () => {
    it('should give the municipality the subject’s identity, BSN and the entitlements of dossiers with an entitlement — and nothing else', async () => {
      const w = await world();
      const municipality = clientFor(await app.partnerToken(w.org, 'municipality'));
      const list = await municipality.query({ query: MunicipalityDossiersDocument, ...fresh });
      expect(list.error).toBeUndefined();
      // The other dossier has no entitlement: not listed.
      expect(nodes(list.data?.dossiers)).toMatchObject([{
        id: w.dossier.id, type: 'YOUTH_CARE', status: 'OPEN', openedOn: w.dossier.openedOn, closedOn: null,
        subject: { ...names(w.child), dateOfBirth: w.child.dateOfBirth, bsn: w.child.bsn },
        entitlements: { edges: [{ node: { id: w.entitlement.id, decisionNumber: w.entitlement.decisionNumber, product: w.entitlement.product } }] },
      }]);

      const page = await municipality.query({ query: DossierPageDocument, variables: { id: w.dossier.id }, ...fresh });
      expect(page.data?.dossier?.myAccess.relationships).toEqual(['partner_municipality']);
      expect(withheldFields(page.error)).toEqual(sorted([
        ...['street', 'postalCode', 'city', 'phone', 'email', 'addressConfidential'].map((f) => `dossier.subject.${f}`),
        'dossier.family', 'dossier.supportPlan', 'dossier.entries', 'dossier.workNotes',
      ]));
      expect(page.data?.dossier).toMatchObject({ subject: { bsn: w.child.bsn, phone: null }, family: null, entries: null, supportPlan: null });
      expect(JSON.stringify(page.data)).not.toContain(w.text.open);
      expect(errorCodes((await municipality.query({ query: DossierPageDocument, variables: { id: w.other.id }, ...fresh })).error)).toEqual(['NOT_FOUND']);
    });

    it('should give the verwijsindex the BSN of subjects with an active signal only', async () => {
      const w = await world();
      const verwijsindex = clientFor(await app.partnerToken(w.org, 'verwijsindex'));
      const signals = await verwijsindex.query({ query: VerwijsindexSignalsDocument, ...fresh });
      expect(signals.error).toBeUndefined();
      expect(nodes(signals.data?.dossiers)).toMatchObject([{ id: w.dossier.id, subject: { id: w.child.id, bsn: w.child.bsn } }]);

      // The municipality's screen, run with a verwijsindex token: only the BSN comes back.
      const wider = await verwijsindex.query({ query: MunicipalityDossiersDocument, ...fresh });
      const node = 'dossiers.edges.0.node';
      expect(withheldFields(wider.error)).toEqual(sorted([
        ...['type', 'status', 'openedOn', 'closedOn', 'entitlements'].map((f) => `${node}.${f}`),
        ...['firstName', 'lastName', 'dateOfBirth'].map((f) => `${node}.subject.${f}`),
      ]));
      expect(nodes(wider.data?.dossiers)).toMatchObject([{ subject: { firstName: null, bsn: w.child.bsn }, entitlements: null }]);
    });
  });
});
