import { randomUUID } from 'node:crypto';
import { AssignmentRole, FamilyRelation, HiddenFrom, RightsRequestType, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { aParentalAccessConsent, codeAt, codes, nodes } from '../support/scenario-builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const PERSON = 'id firstName lastName bsn phone street';
const DOSSIER = `query($id: ID!) { dossier(id: $id) {
  id
  subject { ${PERSON} }
  supportPlan { goals { edges { node { text } } } }
  entries(first: 100) { edges { node { id text } } }
  family(first: 100) { edges { node { relation hasCustody person { ${PERSON} } } } }
} }`;
const DOSSIERS = 'query { dossiers(first: 100) { edges { node { id } } } }';

type PersonView = { id: string; firstName: string | null; lastName: string | null; bsn: string | null; phone: string | null; street: string | null };
type MemberView = { relation: string | null; hasCustody: boolean | null; person: PersonView | null };

/** Index of the family member with this person id in the response (the list has no fixed order). */
function memberIndex(res: GqlResult, personId: string): number {
  const members = nodes<MemberView>(res.data?.dossier?.family);
  const i = members.findIndex((m) => m.person?.id === personId);
  if (i < 0) throw new Error(`person ${personId} not in the family list`);
  return i;
}

function member(res: GqlResult, personId: string): MemberView {
  return nodes<MemberView>(res.data?.dossier?.family)[memberIndex(res, personId)];
}

/** The date of birth of someone who turns `years` today (offset 0) or in `days` days (offset > 0). */
function bornYearsAgo(years: number, days = 0): string {
  const [y, m, d] = addMonths(dutchToday(), -12 * years).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const familyPath = (res: GqlResult, personId: string, ...rest: string[]) => ['dossier', 'family', 'edges', memberIndex(res, personId), 'node', ...rest];

describe('permission scenarios: clients (SPEC §1, §4)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const listed = async (token: string) => nodes<{ id: string }>((await app.gql(DOSSIERS, {}, token)).data?.dossiers).map((d) => d.id);

  /** A 14-year-old with two custodial parents (both with a confidential address), a parent without custody, and entries hidden either way. */
  async function familyOfFourteen() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const child = await aPerson().aged(14).build(ds, org);
    const mother = await aPerson().aged(41).confidentialAddress().build(ds, org);
    const father = await aPerson().aged(43).confidentialAddress().build(ds, org);
    const noCustody = await aPerson().aged(44).build(ds, org);
    const grandparent = await aPerson().aged(70).build(ds, org);
    const text = { open: `Gesprek met gezin ${randomUUID()}`, notForParents: `Kind vertelt over thuis ${randomUUID()}`, notForSubject: `Zorg over ouder ${randomUUID()}` };
    const built = await aDossier()
      .withSubject(child)
      .withParent(mother, { custody: true, relation: FamilyRelation.MOTHER })
      .withParent(father, { custody: true, relation: FamilyRelation.FATHER })
      .withParent(noCustody, { custody: false, relation: FamilyRelation.PARENT })
      .withRelative(grandparent, FamilyRelation.GRANDPARENT)
      .withAssignment(worker, AssignmentRole.CARE_WORKER)
      .withGoal('Weer naar school gaan')
      .withEntry({ authorId: worker.id, text: text.open })
      .withEntry({ authorId: worker.id, text: text.notForParents, hiddenFrom: [HiddenFrom.PARENTS] })
      .withEntry({ authorId: worker.id, text: text.notForSubject, hiddenFrom: [HiddenFrom.SUBJECT] })
      .build(ds, org);
    return { org, worker, child, mother, father, noCustody, grandparent, text, ...built };
  }

  describe('a parent with custody of a 14-year-old', () => {
    it('should read the support plan goals and the entries, but not list an entry hidden from PARENTS', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.mother));
      expect(res.data?.dossier?.id).toBe(f.dossier.id);
      expect(nodes<{ text: string }>(res.data?.dossier.supportPlan?.goals).map((g) => g.text)).toEqual(['Weer naar school gaan']);
      const texts = nodes<{ text: string }>(res.data?.dossier.entries).map((e) => e.text);
      expect(texts.sort()).toEqual([f.text.open, f.text.notForSubject].sort());
      // Not listed at all: no node, no error pointing at it, the text nowhere in the response.
      expect(res.errors?.filter((e) => e.path?.includes('entries')) ?? []).toEqual([]);
      expect(JSON.stringify(res.response.body)).not.toContain(f.text.notForParents);
      expect(nodes(res.data?.dossier.entries)).toHaveLength(2);
    });

    it('should show the child’s identity, BSN and contact data', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.mother));
      expect(res.data?.dossier.subject).toEqual({
        id: f.child.id, firstName: f.child.firstName, lastName: f.child.lastName, bsn: f.child.bsn, phone: f.child.phone, street: f.child.street,
      });
      for (const field of ['firstName', 'lastName', 'bsn', 'phone', 'street']) expect(codeAt(res, ['dossier', 'subject', field])).toBeUndefined();
    });

    it('should withhold the other parent’s confidential phone and street and their BSN, with FORBIDDEN, but show their names', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.mother));
      const other = member(res, f.father.id);
      expect(other.person).toEqual({ id: f.father.id, firstName: f.father.firstName, lastName: f.father.lastName, bsn: null, phone: null, street: null });
      expect(other.relation).toBe('FATHER');
      for (const field of ['bsn', 'phone', 'street']) expect(codeAt(res, familyPath(res, f.father.id, 'person', field))).toBe('FORBIDDEN');
      const body = JSON.stringify(res.response.body);
      expect(body).not.toContain(f.father.street!);
      expect(body).not.toContain(f.father.bsn!);
    });

    it('should withhold another adult relative’s contact data even without a confidential address (§4 note 1)', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.mother));
      expect(member(res, f.grandparent.id).person?.firstName).toBe(f.grandparent.firstName);
      expect(member(res, f.grandparent.id).person?.street).toBeNull();
      expect(codeAt(res, familyPath(res, f.grandparent.id, 'person', 'street'))).toBe('FORBIDDEN');
    });

    it('should show the parent their own confidential address, and only the subject’s BSN (not their own)', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.mother));
      const own = member(res, f.mother.id).person!;
      expect(own.street).toBe(f.mother.street);
      expect(own.phone).toBe(f.mother.phone);
      expect(codeAt(res, familyPath(res, f.mother.id, 'person', 'street'))).toBeUndefined();
      // §4: IDENTIFIERS for a parent is "subject's BSN only".
      expect(own.bsn).toBeNull();
      expect(codeAt(res, familyPath(res, f.mother.id, 'person', 'bsn'))).toBe('FORBIDDEN');
    });

    it('should apply the same rule the other way round: the father sees his own address, not the mother’s', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.father));
      expect(member(res, f.father.id).person?.street).toBe(f.father.street);
      expect(member(res, f.mother.id).person?.street).toBeNull();
      expect(codeAt(res, familyPath(res, f.mother.id, 'person', 'street'))).toBe('FORBIDDEN');
      expect(JSON.stringify(res.response.body)).not.toContain(f.mother.street!);
    });

    it('should list the dossier in the parent’s dossiers', async () => {
      const f = await familyOfFourteen();
      expect(await listed(await app.clientToken(f.mother))).toEqual([f.dossier.id]);
    });
  });

  describe('a parent without custody', () => {
    it('should get NOT_FOUND, exactly like for a dossier that does not exist, and an empty list', async () => {
      const f = await familyOfFourteen();
      const token = await app.clientToken(f.noCustody);
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, token);
      const missing = await app.gql(DOSSIER, { id: randomUUID() }, token);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(res.data?.dossier ?? null).toBeNull();
      expect(res.errors!.map((e) => [e.message, e.extensions])).toEqual(missing.errors!.map((e) => [e.message, e.extensions]));
      expect(JSON.stringify(res.response.body)).not.toContain(f.child.firstName);
      expect(await listed(token)).toEqual([]);
    });
  });

  describe('a parent of a 17-year-old (PARENTAL_ACCESS consent)', () => {
    async function familyOfSeventeen() {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const youth = await aPerson().aged(17).build(ds, org);
      const mother = await aPerson().aged(45).build(ds, org);
      const father = await aPerson().aged(46).build(ds, org);
      const stepParent = await aPerson().aged(44).build(ds, org);
      const entry = `Evaluatie ${randomUUID()}`;
      const built = await aDossier()
        .withSubject(youth)
        .withParent(mother, { custody: true, relation: FamilyRelation.MOTHER })
        .withParent(father, { custody: true, relation: FamilyRelation.FATHER })
        .withParent(stepParent, { custody: false, relation: FamilyRelation.PARENT })
        .withAssignment(worker)
        .withEntry({ authorId: worker.id, text: entry })
        .build(ds, org);
      return { org, youth, mother, father, stepParent, entry, ...built };
    }

    it('should be NOT_FOUND and unlisted without a consent, readable with one naming the parent, and NOT_FOUND again after withdrawal', async () => {
      const f = await familyOfSeventeen();
      const token = await app.clientToken(f.mother);

      const before = await app.gql(DOSSIER, { id: f.dossier.id }, token);
      expect(codes(before)).toEqual(['NOT_FOUND']);
      expect(before.data?.dossier ?? null).toBeNull();
      expect(await listed(token)).toEqual([]);

      const consent = await aParentalAccessConsent(app.db.ds, f.org, f.dossier, f.mother);
      const during = await app.gql(DOSSIER, { id: f.dossier.id }, token);
      expect(during.data?.dossier?.id).toBe(f.dossier.id);
      expect(during.data?.dossier.subject.firstName).toBe(f.youth.firstName);
      expect(during.data?.dossier.subject.bsn).toBe(f.youth.bsn);
      expect(nodes<{ text: string }>(during.data?.dossier.entries).map((e) => e.text)).toEqual([f.entry]);
      expect(await listed(token)).toEqual([f.dossier.id]);

      await app.db.ds.query('UPDATE consent SET withdrawn_at = now() WHERE id = $1', [consent.id]);
      const after = await app.gql(DOSSIER, { id: f.dossier.id }, token);
      expect(codes(after)).toEqual(['NOT_FOUND']);
      expect(after.data?.dossier ?? null).toBeNull();
      expect(JSON.stringify(after.response.body)).not.toContain(f.entry);
      expect(await listed(token)).toEqual([]);
    });

    it('should not open the dossier to one parent through a consent naming the other parent', async () => {
      const f = await familyOfSeventeen();
      await aParentalAccessConsent(app.db.ds, f.org, f.dossier, f.father);
      const mother = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.mother));
      expect(codes(mother)).toEqual(['NOT_FOUND']);
      expect(await listed(await app.clientToken(f.mother))).toEqual([]);
      // …while the named parent does read.
      const father = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.father));
      expect(father.data?.dossier?.id).toBe(f.dossier.id);
    });

    it('should not open the dossier to a family member without custody, even when a consent names them', async () => {
      const f = await familyOfSeventeen();
      await aParentalAccessConsent(app.db.ds, f.org, f.dossier, f.stepParent);
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.stepParent));
      expect(codes(res)).toEqual(['NOT_FOUND']);
    });

    it('should not open the dossier under a consent whose period has ended', async () => {
      const f = await familyOfSeventeen();
      await aParentalAccessConsent(app.db.ds, f.org, f.dossier, f.mother, { validFrom: '2020-01-01', validUntil: '2020-12-31' });
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.mother));
      expect(codes(res)).toEqual(['NOT_FOUND']);
    });
  });

  describe('the child or youth themselves', () => {
    it('should show a 14-year-old their own names, phone and the entries not hidden from SUBJECT', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.child));
      const subject = res.data?.dossier.subject as PersonView;
      expect(subject.firstName).toBe(f.child.firstName);
      expect(subject.lastName).toBe(f.child.lastName);
      expect(subject.phone).toBe(f.child.phone);
      expect(subject.street).toBe(f.child.street);
      const texts = nodes<{ text: string }>(res.data?.dossier.entries).map((e) => e.text);
      expect(texts.sort()).toEqual([f.text.open, f.text.notForParents].sort());
      expect(JSON.stringify(res.response.body)).not.toContain(f.text.notForSubject);
      expect(res.errors?.filter((e) => e.path?.includes('entries')) ?? []).toEqual([]);
    });

    it('should not show a 14-year-old their own BSN (child_12_15 has no IDENTIFIERS)', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.child));
      expect(res.data?.dossier.subject.bsn).toBeNull();
      expect(codeAt(res, ['dossier', 'subject', 'bsn'])).toBe('FORBIDDEN');
    });

    it('should show a 14-year-old only the names of the parents: not their BSN, phone, relation or custody', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.clientToken(f.child));
      for (const parent of [f.mother, f.father, f.grandparent]) {
        const m = member(res, parent.id);
        expect(m).toEqual({
          relation: null, hasCustody: null,
          person: { id: parent.id, firstName: parent.firstName, lastName: parent.lastName, bsn: null, phone: null, street: null },
        });
        for (const field of ['relation', 'hasCustody']) expect(codeAt(res, familyPath(res, parent.id, field))).toBe('FORBIDDEN');
        for (const field of ['bsn', 'phone', 'street']) expect(codeAt(res, familyPath(res, parent.id, 'person', field))).toBe('FORBIDDEN');
        for (const field of ['firstName', 'lastName']) expect(codeAt(res, familyPath(res, parent.id, 'person', field))).toBeUndefined();
      }
      const body = JSON.stringify(res.response.body);
      expect(body).not.toContain(f.mother.bsn!);
      expect(body).not.toContain(f.grandparent.street!);
    });

    it('should give a child under 12 NOT_FOUND for their own dossier and an empty list', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const child = await aPerson().aged(11, 9).build(ds, org);
      const { dossier } = await aDossier().withSubject(child).withParent().build(ds, org);
      const token = await app.clientToken(child);
      const res = await app.gql(DOSSIER, { id: dossier.id }, token);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(res.data?.dossier ?? null).toBeNull();
      expect(await listed(token)).toEqual([]);
    });

    it('should show a youth of 16+ their own BSN but not a parent’s BSN or phone', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const youth = await aPerson().aged(16).build(ds, org);
      const mother = await aPerson().aged(45).build(ds, org);
      const { dossier } = await aDossier().withSubject(youth).withParent(mother, { custody: true, relation: FamilyRelation.MOTHER }).build(ds, org);
      const res = await app.gql(DOSSIER, { id: dossier.id }, await app.clientToken(youth));
      expect(res.data?.dossier.subject.bsn).toBe(youth.bsn);
      expect(codeAt(res, ['dossier', 'subject', 'bsn'])).toBeUndefined();
      const m = member(res, mother.id);
      expect(m.person).toEqual({ id: mother.id, firstName: mother.firstName, lastName: mother.lastName, bsn: null, phone: null, street: null });
      expect(codeAt(res, familyPath(res, mother.id, 'person', 'bsn'))).toBe('FORBIDDEN');
      expect(JSON.stringify(res.response.body)).not.toContain(mother.bsn!);
    });
  });

  describe('edges of the client rules', () => {
    it('should withhold a child’s confidential address from a parent with custody, but show it to the child', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const child = await aPerson().aged(13).confidentialAddress().build(ds, org);
      const mother = await aPerson().aged(40).build(ds, org);
      const { dossier } = await aDossier().withSubject(child).withParent(mother, { custody: true, relation: FamilyRelation.MOTHER }).build(ds, org);
      const byParent = await app.gql(DOSSIER, { id: dossier.id }, await app.clientToken(mother));
      expect(byParent.data?.dossier.subject).toMatchObject({ firstName: child.firstName, bsn: child.bsn, street: null, phone: null });
      expect(codeAt(byParent, ['dossier', 'subject', 'street'])).toBe('FORBIDDEN');
      expect(JSON.stringify(byParent.response.body)).not.toContain(child.street!);
      const byChild = await app.gql(DOSSIER, { id: dossier.id }, await app.clientToken(child));
      expect(byChild.data?.dossier.subject).toMatchObject({ street: child.street, phone: child.phone });
    });

    it('should let staff see the entries hidden from parents and from the subject', async () => {
      const f = await familyOfFourteen();
      const res = await app.gql(DOSSIER, { id: f.dossier.id }, await app.staffToken(f.org, StaffRole.CARE_WORKER, f.worker));
      expect(nodes<{ text: string }>(res.data?.dossier.entries).map((e) => e.text).sort()).toEqual([f.text.open, f.text.notForParents, f.text.notForSubject].sort());
    });

    it('should derive the age on today’s date: 12 today opens the own dossier, 12 tomorrow does not', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const today = await aPerson().with({ dateOfBirth: bornYearsAgo(12) }).build(ds, org);
      const tomorrow = await aPerson().with({ dateOfBirth: bornYearsAgo(12, 1) }).build(ds, org);
      const a = await aDossier().withSubject(today).build(ds, org);
      const b = await aDossier().withSubject(tomorrow).build(ds, org);
      const access = 'query($id: ID!) { dossier(id: $id) { myAccess { relationships } } }';
      expect((await app.gql(access, { id: a.dossier.id }, await app.clientToken(today))).data?.dossier.myAccess.relationships).toEqual(['child_12_15']);
      expect(codes(await app.gql(access, { id: b.dossier.id }, await app.clientToken(tomorrow)))).toEqual(['NOT_FOUND']);
    });

    it('should close a parent’s access without consent on the youth’s 16th birthday, not the day before', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const mother = await aPerson().aged(45).build(ds, org);
      const sixteenToday = await aDossier().withSubject(aPerson().with({ dateOfBirth: bornYearsAgo(16) }))
        .withParent(mother, { custody: true, relation: FamilyRelation.MOTHER }).build(ds, org);
      const sixteenTomorrow = await aDossier().withSubject(aPerson().with({ dateOfBirth: bornYearsAgo(16, 1) }))
        .withParent(mother, { custody: true, relation: FamilyRelation.MOTHER }).build(ds, org);
      const token = await app.clientToken(mother);
      expect(codes(await app.gql(DOSSIER, { id: sixteenToday.dossier.id }, token))).toEqual(['NOT_FOUND']);
      expect((await app.gql(DOSSIER, { id: sixteenTomorrow.dossier.id }, token)).data?.dossier.id).toBe(sixteenTomorrow.dossier.id);
      expect(await listed(token)).toEqual([sixteenTomorrow.dossier.id]);
      const youth = 'query($id: ID!) { dossier(id: $id) { myAccess { relationships } subject { bsn } } }';
      expect((await app.gql(youth, { id: sixteenToday.dossier.id }, await app.clientToken(sixteenToday.subject))).data?.dossier)
        .toEqual({ myAccess: { relationships: ['youth_16_plus'] }, subject: { bsn: sixteenToday.subject.bsn } });
    });

    it('should give a 17-year-old mother her youth role in her own dossier and the parent role in her baby’s', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const mum = await aPerson().aged(17).build(ds, org);
      const own = await aDossier().withSubject(mum).build(ds, org);
      const baby = await aDossier().withSubject(aPerson().aged(0, 4)).withParent(mum, { custody: true, relation: FamilyRelation.MOTHER }).build(ds, org);
      const token = await app.clientToken(mum);
      const q = 'query($id: ID!) { dossier(id: $id) { myAccess { relationships } subject { firstName bsn } } }';
      expect((await app.gql(q, { id: own.dossier.id }, token)).data?.dossier).toEqual({ myAccess: { relationships: ['youth_16_plus'] }, subject: { firstName: mum.firstName, bsn: mum.bsn } });
      expect((await app.gql(q, { id: baby.dossier.id }, token)).data?.dossier).toEqual({ myAccess: { relationships: ['parent'] }, subject: { firstName: baby.subject.firstName, bsn: baby.subject.bsn } });
      expect((await listed(token)).sort()).toEqual([own.dossier.id, baby.dossier.id].sort());
    });

    it('should show a client only the rights requests they filed, and staff all of them', async () => {
      const f = await familyOfFourteen();
      const insert = (requester: string, type: RightsRequestType) => app.db.ds.query(
        `INSERT INTO rights_request (organisation_id, dossier_id, type, requester_person_ids, received_on, due_on) VALUES ($1, $2, $3, $4::uuid[], $5, $6) RETURNING id`,
        [f.org.id, f.dossier.id, type, [requester], dutchToday(), addMonths(dutchToday(), 1)],
      ).then((rows: { id: string }[]) => rows[0].id);
      const mine = await insert(f.mother.id, RightsRequestType.ACCESS);
      const his = await insert(f.father.id, RightsRequestType.ERASURE);
      const q = 'query($id: ID!) { dossier(id: $id) { rightsRequests { edges { node { id type } } } } }';
      const byMother = await app.gql(q, { id: f.dossier.id }, await app.clientToken(f.mother));
      expect(nodes(byMother.data?.dossier.rightsRequests)).toEqual([{ id: mine, type: 'ACCESS' }]);
      expect(JSON.stringify(byMother.response.body)).not.toContain(his);
      const byChild = await app.gql(q, { id: f.dossier.id }, await app.clientToken(f.child));
      expect(nodes(byChild.data?.dossier.rightsRequests)).toEqual([]);
      const byWorker = await app.gql(q, { id: f.dossier.id }, await app.staffToken(f.org, StaffRole.CARE_WORKER, f.worker));
      expect(nodes<{ id: string }>(byWorker.data?.dossier.rightsRequests).map((r) => r.id).sort()).toEqual([mine, his].sort());
    });
  });
});
