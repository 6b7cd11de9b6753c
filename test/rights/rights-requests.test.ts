import { randomUUID } from 'node:crypto';
import { Organisation, Person, Professional, RightsRequest } from '../../src/entities';
import { FamilyRelation, HiddenFrom, RightsRequestStatus, RightsRequestType, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { eventsOf } from '../support/access-log';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { codes, nodes, rowCount } from '../support/scenario-builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const FILE = `mutation($input: FileRightsRequestInput!) { fileRightsRequest(input: $input) {
  id type status requesterPersonIds awaitingPersonIds receivedOn dueOn effectiveDueOn overdue
  verification { method documentType verifiedAt verifiedBy { id } }
} }`;
const CONFIRM = 'mutation($id: ID!) { confirmRightsRequest(id: $id) { id status awaitingPersonIds receivedOn dueOn } }';
const EXTEND = 'mutation($input: ExtendRightsRequestInput!) { extendRightsRequest(input: $input) { id dueOn extendedDueOn effectiveDueOn extensionReason } }';
const DECIDE = 'mutation($input: DecideRightsRequestInput!) { decideRightsRequest(input: $input) { id status decision refusalGround decisionNote carriedOutAt } }';
const QUEUE = `query($first: Int, $after: String) { rightsRequestQueue(first: $first, after: $after) {
  edges { cursor node { id dossierId type status effectiveDueOn overdue } } pageInfo { hasNextPage endCursor }
} }`;
const EXPORT = 'query($id: ID!) { rightsRequestExport(id: $id) }';

const field = (res: GqlResult) => res.errors?.[0]?.extensions.field;
const today = () => dutchToday();

describe('rights requests (SPEC §8)', () => {
  let app: TestApp;
  let org: Organisation;
  let officer: Professional;
  let officerToken: string;
  beforeAll(async () => {
    app = await startTestApp();
    org = await anOrganisation(app.db.ds);
    officer = await aProfessional(app.db.ds, org);
    officerToken = await app.staffToken(org, StaffRole.PRIVACY_OFFICER, officer);
  });
  afterAll(() => app.close());

  /** A subject of `age` with a mother with custody and a father without. */
  async function family(age: number) {
    const built = await aDossier()
      .withSubject(aPerson().aged(age))
      .withParent(aPerson(), { custody: true, relation: FamilyRelation.MOTHER })
      .withParent(aPerson(), { custody: false, relation: FamilyRelation.FATHER })
      .build(app.db.ds, org);
    return { ...built, mother: built.relatives[0].person, father: built.relatives[1].person };
  }

  const verification = { method: 'IN_PERSON', documentType: 'ID_CARD' };
  const register = (dossierId: string, requesterPersonIds: string[], extra: Record<string, unknown> = {}) =>
    app.gql(FILE, { input: { dossierId, type: 'ACCESS', requesterPersonIds, verification, ...extra } }, officerToken);
  const fileAs = async (person: Person, dossierId: string, requesterPersonIds: string[], type = 'ACCESS') =>
    app.gql(FILE, { input: { dossierId, type, requesterPersonIds } }, await app.clientToken(person));
  const requestCount = (dossierId: string) => rowCount(app.db.ds, 'rights_request', 'dossier_id = $1', [dossierId]);

  describe('filing', () => {
    it('should reject a 14-year-old alone with BAD_USER_INPUT naming the missing parent, and write nothing', async () => {
      const { dossier, subject } = await family(14);
      const byOfficer = await register(dossier.id, [subject.id]);
      expect(codes(byOfficer)).toEqual(['BAD_USER_INPUT']);
      expect(field(byOfficer)).toBe('input.requesterPersonIds');
      expect(byOfficer.errors![0].message).toMatch(/parent with custody is missing/);
      const byChild = await fileAs(subject, dossier.id, [subject.id]);
      expect(codes(byChild)).toEqual(['BAD_USER_INPUT']);
      expect(byChild.errors![0].message).toMatch(/parent with custody is missing/);
      expect(await requestCount(dossier.id)).toBe(0);
    });

    it('should accept a 14-year-old with a custodial parent, registered by the privacy officer with the verification recorded', async () => {
      const { dossier, subject, mother } = await family(14);
      const res = await register(dossier.id, [subject.id, mother.id], { verification: { ...verification, verifiedAt: new Date(Date.now() - 60_000).toISOString() } });
      expect(res.errors).toBeUndefined();
      const r = res.data!.fileRightsRequest;
      expect(r).toMatchObject({ status: 'OPEN', receivedOn: today(), dueOn: addMonths(today(), 1), awaitingPersonIds: [] });
      expect(r.verification).toMatchObject({ method: 'IN_PERSON', documentType: 'ID_CARD', verifiedBy: { id: officer.id } });
      // No copy and no number of the document is stored anywhere.
      const row = await app.db.ds.getRepository(RightsRequest).findOneByOrFail({ id: r.id });
      expect(Object.values(row)).not.toContain(subject.idDocumentNumber ?? '—none—');
    });

    it('should let a 14-year-old file online naming a custodial parent, who agrees with their own login; the month runs from completion', async () => {
      const { dossier, subject, mother } = await family(14);
      const filed = await fileAs(subject, dossier.id, [subject.id, mother.id]);
      expect(filed.errors).toBeUndefined();
      expect(filed.data!.fileRightsRequest).toMatchObject({ status: 'AWAITING_AGREEMENT', awaitingPersonIds: [mother.id], verification: null });
      // The child cannot agree in the parent's place; the parent can.
      expect(codes(await app.gql(CONFIRM, { id: filed.data!.fileRightsRequest.id }, await app.clientToken(subject)))).toEqual(['CONFLICT']);
      const confirmed = await app.gql(CONFIRM, { id: filed.data!.fileRightsRequest.id }, await app.clientToken(mother));
      expect(confirmed.errors).toBeUndefined();
      expect(confirmed.data!.confirmRightsRequest).toMatchObject({ status: 'OPEN', awaitingPersonIds: [], receivedOn: today(), dueOn: addMonths(today(), 1) });
    });

    it('should refuse a 12–15 child naming a parent without custody', async () => {
      const { dossier, subject, father } = await family(13);
      const res = await fileAs(subject, dossier.id, [subject.id, father.id]);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toContain(`${father.id} is not a parent with custody`);
      expect(await requestCount(dossier.id)).toBe(0);
    });

    it('should accept a custodial parent filing for a child under 12', async () => {
      const { dossier, mother } = await family(9);
      const res = await fileAs(mother, dossier.id, [mother.id], 'COPY');
      expect(res.errors).toBeUndefined();
      expect(res.data!.fileRightsRequest).toMatchObject({ type: 'COPY', status: 'OPEN', dueOn: addMonths(today(), 1) });
    });

    it('should reject the child under 12 and a parent without custody, online and when registered', async () => {
      const { dossier, subject, father } = await family(9);
      // Online they have no relationship to the dossier at all: it does not exist for them.
      expect(codes(await fileAs(subject, dossier.id, [subject.id]))).toEqual(['NOT_FOUND']);
      expect(codes(await fileAs(father, dossier.id, [father.id]))).toEqual(['NOT_FOUND']);
      const child = await register(dossier.id, [subject.id]);
      expect([codes(child), field(child)]).toEqual([['BAD_USER_INPUT'], 'input.requesterPersonIds']);
      expect(child.errors![0].message).toMatch(/under 12/);
      const nonCustodial = await register(dossier.id, [father.id]);
      expect(nonCustodial.errors![0].message).toContain(`${father.id} is not a parent with custody`);
      expect(await requestCount(dossier.id)).toBe(0);
    });

    it('should accept a youth of 16+ alone, and refuse a parent filing for them', async () => {
      const { dossier, subject, mother } = await family(17);
      const res = await fileAs(subject, dossier.id, [subject.id], 'PORTABILITY');
      expect(res.errors).toBeUndefined();
      expect(res.data!.fileRightsRequest).toMatchObject({ status: 'OPEN', requesterPersonIds: [subject.id] });
      const withParent = await register(dossier.id, [subject.id, mother.id]);
      expect(codes(withParent)).toEqual(['BAD_USER_INPUT']);
      expect(withParent.errors![0].message).toMatch(/only the youth may file/);
    });

    it('should judge the age on the day the request was received, not today', async () => {
      // 16 today, 15 on the day the letter arrived two months ago: child + custodial parent then.
      const { dossier, subject, mother } = await family(16);
      await app.db.ds.query(`UPDATE person SET date_of_birth = $2 WHERE id = $1`, [subject.id, addMonths(today(), -(16 * 12 + 1))]);
      const receivedOn = addMonths(today(), -2);
      expect(codes(await register(dossier.id, [subject.id], { receivedOn }))).toEqual(['BAD_USER_INPUT']);
      const res = await register(dossier.id, [subject.id, mother.id], { receivedOn });
      expect(res.errors).toBeUndefined();
      expect(res.data!.fileRightsRequest).toMatchObject({ receivedOn, dueOn: addMonths(receivedOn, 1), overdue: true });
    });

    it('should refuse invalid input with BAD_USER_INPUT and the field, writing nothing', async () => {
      const { dossier, subject, mother } = await family(14);
      const cases: [Record<string, unknown>, string][] = [
        [{ verification: undefined }, 'input.verification'],
        [{ verification: { method: 'IN_PERSON' } }, 'input.verification.documentType'],
        [{ receivedOn: addMonths(today(), 1) }, 'input.receivedOn'],
        [{ requesterPersonIds: [] }, 'input.requesterPersonIds'],
        [{ requesterPersonIds: [subject.id, subject.id] }, 'input.requesterPersonIds'],
        [{ description: 'x'.repeat(5001) }, 'input.description'],
      ];
      for (const [extra, expected] of cases) {
        const res = await register(dossier.id, [subject.id, mother.id], extra);
        expect({ extra, codes: codes(res), field: field(res) }).toEqual({ extra, codes: ['BAD_USER_INPUT'], field: expected });
      }
      const clientSetsVerification = await app.gql(FILE, { input: { dossierId: dossier.id, type: 'ACCESS', requesterPersonIds: [subject.id, mother.id], verification } }, await app.clientToken(subject));
      expect(field(clientSetsVerification)).toBe('input.verification');
      const notSelf = await fileAs(mother, dossier.id, [subject.id]);
      expect(field(notSelf)).toBe('input.requesterPersonIds');
      expect(await requestCount(dossier.id)).toBe(0);
    });

    it('should not let care workers or admin support file (R only on RIGHTS), nor a client write anything else with the filing reach', async () => {
      const worker = await aProfessional(app.db.ds, org);
      const { dossier, subject } = await aDossier().withSubject(aPerson().aged(17)).withAssignment(worker).build(app.db.ds, org);
      const res = await app.gql(FILE, { input: { dossierId: dossier.id, type: 'ACCESS', requesterPersonIds: [subject.id], verification } }, await app.staffToken(org, StaffRole.CARE_WORKER, worker));
      expect(codes(res)).toEqual(['FORBIDDEN']);
      // The `file` reach is a workflow step: it never counts as a W cell for other writes (legal hold is RIGHTS data).
      const hold = await app.gql('mutation($input: SetLegalHoldInput!) { setLegalHold(input: $input) { id } }', { input: { dossierId: dossier.id, legalHold: true, legalHoldReason: 'Ik wil niet dat het weg gaat' } }, await app.clientToken(subject));
      expect(codes(hold)).toEqual(['FORBIDDEN']);
      expect(await requestCount(dossier.id)).toBe(0);
    });

    it('should log the filing as a CREATE event committed with it', async () => {
      const { dossier, subject } = await family(17);
      const res = await fileAs(subject, dossier.id, [subject.id]);
      const events = await eventsOf(app.db.ds, res);
      const create = events.find((e) => e.action === 'CREATE');
      expect(create).toMatchObject({ dossier_id: dossier.id, outcome: 'GRANTED', relationship: 'youth_16_plus', purpose: 'RIGHTS' });
      expect(create!.granted_fields).toEqual(expect.arrayContaining(['RightsRequest.type', 'RightsRequest.requesterPersonIds']));
    });
  });

  describe('extension', () => {
    async function openRequest(receivedOn = today()) {
      const { dossier, subject } = await family(17);
      const res = await register(dossier.id, [subject.id], { receivedOn });
      return res.data!.fileRightsRequest as { id: string; dueOn: string };
    }

    it('should accept one extension of up to 2 months within the first month, and refuse a second', async () => {
      const r = await openRequest();
      const extendedDueOn = addMonths(r.dueOn, 2);
      const res = await app.gql(EXTEND, { input: { id: r.id, extendedDueOn, reason: 'Complex request spanning several years of entries' } }, officerToken);
      expect(res.errors).toBeUndefined();
      expect(res.data!.extendRightsRequest).toMatchObject({ dueOn: r.dueOn, extendedDueOn, effectiveDueOn: extendedDueOn });
      const second = await app.gql(EXTEND, { input: { id: r.id, extendedDueOn, reason: 'Still more work to do than expected' } }, officerToken);
      expect([codes(second), field(second)]).toEqual([['BAD_USER_INPUT'], 'input.id']);
    });

    it('should refuse an extension decided after the original due date, and one longer than 2 months', async () => {
      const late = await openRequest(addMonths(today(), -2));
      const res = await app.gql(EXTEND, { input: { id: late.id, extendedDueOn: addMonths(late.dueOn, 1), reason: 'Complex request spanning several years' } }, officerToken);
      expect([codes(res), field(res)]).toEqual([['BAD_USER_INPUT'], 'input.extendedDueOn']);
      expect(res.errors![0].message).toMatch(/within the first month/);
      const r = await openRequest();
      const tooLong = await app.gql(EXTEND, { input: { id: r.id, extendedDueOn: addMonths(r.dueOn, 3), reason: 'Complex request spanning several years' } }, officerToken);
      expect(field(tooLong)).toBe('input.extendedDueOn');
      const row = await app.db.ds.getRepository(RightsRequest).findOneByOrFail({ id: r.id });
      expect(row.extendedDueOn).toBeNull();
    });

    it('should let only the privacy officer extend', async () => {
      const r = await openRequest();
      const token = await app.staffToken(org, StaffRole.CARE_WORKER);
      const res = await app.gql(EXTEND, { input: { id: r.id, extendedDueOn: addMonths(r.dueOn, 1), reason: 'Complex request spanning several years' } }, token);
      expect(codes(res)).toEqual(['FORBIDDEN']);
    });
  });

  describe("the privacy officer's queue", () => {
    it('should list open requests by effective due date with overdue flags, paginated, only for privacy officers', async () => {
      const org2 = await anOrganisation(app.db.ds);
      const po = await app.staffToken(org2, StaffRole.PRIVACY_OFFICER, `po-${randomUUID()}`);
      const make = async (receivedOn: string) => {
        const { dossier, subject } = await aDossier().withSubject(aPerson().aged(17)).build(app.db.ds, org2);
        const res = await app.gql(FILE, { input: { dossierId: dossier.id, type: 'ACCESS', requesterPersonIds: [subject.id], receivedOn, verification } }, po);
        expect(res.errors).toBeUndefined();
        return res.data!.fileRightsRequest.id as string;
      };
      const overdue = await make(addMonths(today(), -2)); // due a month ago
      const recent = await make(today()); // due in a month
      const middle = await make(addMonths(today(), -1)); // due today: not overdue yet
      const extended = await make(addMonths(today(), -1));
      expect((await app.gql(EXTEND, { input: { id: extended, extendedDueOn: addMonths(today(), 2), reason: 'Many entries to review first' } }, po)).errors).toBeUndefined();
      const decided = await make(addMonths(today(), -2));
      expect((await app.gql(DECIDE, { input: { id: decided, decision: 'GRANTED' } }, po)).errors).toBeUndefined();

      const first = await app.gql(QUEUE, { first: 2 }, po);
      const second = await app.gql(QUEUE, { first: 10, after: first.data!.rightsRequestQueue.pageInfo.endCursor }, po);
      const all = [...nodes(first.data!.rightsRequestQueue), ...nodes(second.data!.rightsRequestQueue)];
      expect(all.map((n) => n.id)).toEqual([overdue, middle, recent, extended]);
      expect(all.map((n) => n.overdue)).toEqual([true, false, false, false]);
      expect(first.data!.rightsRequestQueue.pageInfo.hasNextPage).toBe(true);

      const worker = await app.gql(QUEUE, { first: 10 }, await app.staffToken(org2, StaffRole.CARE_WORKER));
      expect(codes(worker)).toEqual(['FORBIDDEN']);
      expect(worker.data?.rightsRequestQueue ?? null).toBeNull();
      // Another organisation's officer sees none of them.
      const other = await app.gql(QUEUE, { first: 100 }, officerToken);
      expect(nodes(other.data!.rightsRequestQueue).map((n) => n.id)).not.toContain(overdue);
    });
  });

  describe('export', () => {
    async function seventeen() {
      const worker = await aProfessional(app.db.ds, org);
      const motherPhone = `06-${String(Date.now()).slice(-8)}`;
      const texts = { shown: `Gesprek met Daan ${randomUUID()}`, hidden: `Melding buurvrouw ${randomUUID()}`, note: `Werkaantekening ${randomUUID()}` };
      const built = await aDossier()
        .withSubject(aPerson().aged(17))
        .withParent(aPerson().with({ phone: motherPhone, email: `mother-${randomUUID()}@example.org` }), { custody: true, relation: FamilyRelation.MOTHER })
        .withAssignment(worker)
        .withEntry({ authorId: worker.id, text: texts.shown })
        .withEntry({ authorId: worker.id, text: texts.hidden, hiddenFrom: [HiddenFrom.SUBJECT] })
        .withWorkNote(worker, texts.note)
        .withGoal(`Doel ${randomUUID()}`)
        .build(app.db.ds, org);
      return { ...built, mother: built.relatives[0].person, texts, worker };
    }

    it("should hand a 17-year-old their own data only, and log it as EXPORT with the field paths", async () => {
      const { dossier, subject, mother, texts } = await seventeen();
      const youth = await app.clientToken(subject);
      const filed = await app.gql(FILE, { input: { dossierId: dossier.id, type: 'PORTABILITY', requesterPersonIds: [subject.id] } }, youth);
      const id = filed.data!.fileRightsRequest.id;
      expect((await app.gql(DECIDE, { input: { id, decision: 'GRANTED' } }, officerToken)).errors).toBeUndefined();

      const res = await app.gql(EXPORT, { id }, youth);
      expect(res.errors).toBeUndefined();
      const exported = res.data!.rightsRequestExport;
      const text = JSON.stringify(exported);
      expect(exported.subject).toMatchObject({ id: subject.id, firstName: subject.firstName, bsn: subject.bsn, phone: subject.phone });
      expect(exported.entries.map((e: { text: string }) => e.text)).toEqual([texts.shown]);
      expect(exported.supportPlan.goals).toHaveLength(1);
      // Never: work notes, the hidden entry, anything about the mother.
      for (const absent of [texts.note, texts.hidden, mother.phone!, mother.email!, mother.id, mother.lastName, mother.bsn!]) expect(text).not.toContain(absent);
      expect(exported.requesterPerson).toBeUndefined();

      const events = await eventsOf(app.db.ds, res);
      const exportEvent = events.find((e) => e.action === 'EXPORT');
      expect(exportEvent).toMatchObject({ dossier_id: dossier.id, outcome: 'GRANTED', relationship: 'youth_16_plus', purpose: 'RIGHTS' });
      expect(exportEvent!.granted_fields).toEqual(expect.arrayContaining(['Person.firstName', 'Person.bsn', 'Person.phone', 'Entry.text', 'SupportPlanGoal.text']));
      expect(exportEvent!.granted_fields.some((f) => f.startsWith('WorkNote.'))).toBe(false);
      expect(events.filter((e) => e.action === 'READ')).toEqual([]);
    });

    it('should give a parent the child\'s and their own data, not entries hidden from parents nor the other parent', async () => {
      const worker = await aProfessional(app.db.ds, org);
      const hidden = `Niet voor ouders ${randomUUID()}`;
      const built = await aDossier()
        .withSubject(aPerson().aged(8))
        .withParent(aPerson(), { custody: true, relation: FamilyRelation.MOTHER })
        .withParent(aPerson().with({ phone: '06-99887766', email: `father-${randomUUID()}@example.org` }), { custody: true, relation: FamilyRelation.FATHER })
        .withEntry({ authorId: worker.id, text: hidden, hiddenFrom: [HiddenFrom.PARENTS] })
        .withEntry({ authorId: worker.id, text: 'Zichtbaar' })
        .build(app.db.ds, org);
      const [mother, father] = built.relatives.map((r) => r.person);
      const token = await app.clientToken(mother);
      const id = (await app.gql(FILE, { input: { dossierId: built.dossier.id, type: 'ACCESS', requesterPersonIds: [mother.id] } }, token)).data!.fileRightsRequest.id;
      await app.gql(DECIDE, { input: { id, decision: 'GRANTED' } }, officerToken);
      const exported = (await app.gql(EXPORT, { id }, token)).data!.rightsRequestExport;
      const text = JSON.stringify(exported);
      expect(exported.requesterPerson).toMatchObject({ id: mother.id, phone: mother.phone });
      expect(exported.family).toEqual([expect.objectContaining({ relation: 'MOTHER', hasCustody: true })]);
      expect(exported.entries.map((e: { text: string }) => e.text)).toEqual(['Zichtbaar']);
      for (const absent of [hidden, father.id, father.phone!, father.email!, father.firstName]) expect(text).not.toContain(absent);
    });

    it('should refuse the export before it is granted, to other persons, to staff, and for other request types', async () => {
      const { dossier, subject, mother } = await seventeen();
      const youth = await app.clientToken(subject);
      const id = (await app.gql(FILE, { input: { dossierId: dossier.id, type: 'ACCESS', requesterPersonIds: [subject.id] } }, youth)).data!.fileRightsRequest.id;
      expect([codes(await app.gql(EXPORT, { id }, youth))]).toEqual([['BAD_USER_INPUT']]);
      await app.gql(DECIDE, { input: { id, decision: 'GRANTED' } }, officerToken);
      expect(codes(await app.gql(EXPORT, { id }, await app.clientToken(mother)))).toEqual(['NOT_FOUND']);
      expect(codes(await app.gql(EXPORT, { id }, officerToken))).toEqual(['FORBIDDEN']);
      expect(codes(await app.gql(EXPORT, { id: randomUUID() }, youth))).toEqual(['NOT_FOUND']);
      const objection = (await app.gql(FILE, { input: { dossierId: dossier.id, type: 'OBJECTION', requesterPersonIds: [subject.id] } }, youth)).data!.fileRightsRequest.id;
      await app.gql(DECIDE, { input: { id: objection, decision: 'GRANTED' } }, officerToken);
      expect(codes(await app.gql(EXPORT, { id: objection }, youth))).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('decisions', () => {
    async function rectification(age = 17) {
      const built = await family(age);
      const res = await register(built.dossier.id, [built.subject.id], { type: RightsRequestType.RECTIFICATION, description: 'Mijn achternaam is verkeerd gespeld' });
      expect(res.errors).toBeUndefined();
      return { ...built, id: res.data!.fileRightsRequest.id as string };
    }
    const lastNameOf = async (id: string) => (await app.db.ds.getRepository(Person).findOneByOrFail({ id })).lastName;

    it('should apply a granted rectification to the person, logged with the field path', async () => {
      const { id, subject, dossier } = await rectification();
      const res = await app.gql(DECIDE, { input: { id, decision: 'GRANTED', corrections: [{ personId: subject.id, field: 'lastName', value: 'de Vries-Jansen' }] } }, officerToken);
      expect(res.errors).toBeUndefined();
      expect(res.data!.decideRightsRequest).toMatchObject({ status: RightsRequestStatus.CARRIED_OUT, decision: 'GRANTED' });
      expect(await lastNameOf(subject.id)).toBe('de Vries-Jansen');
      const update = (await eventsOf(app.db.ds, res)).find((e) => e.action === 'UPDATE' && e.dossier_id === dossier.id);
      expect(update!.granted_fields).toEqual(expect.arrayContaining(['Person.lastName', 'RightsRequest.decision']));
    });

    it('should change nothing when a rectification is refused, and require a ground and a note', async () => {
      const { id, subject } = await rectification();
      const noGround = await app.gql(DECIDE, { input: { id, decision: 'REFUSED', note: 'Professioneel oordeel' } }, officerToken);
      expect([codes(noGround), field(noGround)]).toEqual([['BAD_USER_INPUT'], 'input.refusalGround']);
      const noNote = await app.gql(DECIDE, { input: { id, decision: 'REFUSED', refusalGround: 'PROFESSIONAL_OPINION' } }, officerToken);
      expect(field(noNote)).toBe('input.note');
      const withChanges = await app.gql(DECIDE, { input: { id, decision: 'REFUSED', refusalGround: 'PROFESSIONAL_OPINION', note: 'Oordeel', corrections: [{ personId: subject.id, field: 'lastName', value: 'X' }] } }, officerToken);
      expect(field(withChanges)).toBe('input.corrections');
      const res = await app.gql(DECIDE, { input: { id, decision: 'REFUSED', refusalGround: 'PROFESSIONAL_OPINION', note: 'Het betreft een professioneel oordeel' } }, officerToken);
      expect(res.errors).toBeUndefined();
      expect(res.data!.decideRightsRequest).toMatchObject({ status: 'DECIDED', decision: 'REFUSED', refusalGround: 'PROFESSIONAL_OPINION', carriedOutAt: null });
      expect(await lastNameOf(subject.id)).toBe(subject.lastName);
      expect(codes(await app.gql(DECIDE, { input: { id, decision: 'GRANTED', corrections: [{ personId: subject.id, field: 'lastName', value: 'Y' }] } }, officerToken))).toEqual(['CONFLICT']);
    });

    it('should refuse an invalid correction with the field and change nothing', async () => {
      const { id, subject, dossier } = await rectification();
      const stranger = await aPerson().build(app.db.ds, org);
      const cases: [Record<string, unknown>, string][] = [
        [{ personId: stranger.id, field: 'lastName', value: 'X' }, 'input.corrections.0.personId'],
        [{ personId: subject.id, field: 'postalCode', value: 'nope' }, 'input.corrections.0.value'],
        [{ personId: subject.id, field: 'dateOfBirth', value: addMonths(today(), 1) }, 'input.corrections.0.value'],
        [{ personId: subject.id, field: 'lastName', value: null }, 'input.corrections.0.value'],
      ];
      for (const [correction, expected] of cases) {
        const res = await app.gql(DECIDE, { input: { id, decision: 'GRANTED', corrections: [correction] } }, officerToken);
        expect({ correction, codes: codes(res), field: field(res) }).toEqual({ correction, codes: ['BAD_USER_INPUT'], field: expected });
      }
      const row = await app.db.ds.getRepository(RightsRequest).findOneByOrFail({ id });
      expect(row.status).toBe('OPEN');
      expect(await lastNameOf(subject.id)).toBe(subject.lastName);
      expect((await app.db.ds.query('SELECT count(*)::int AS n FROM access_log_event WHERE dossier_id = $1 AND action = $2', [dossier.id, 'UPDATE']))[0].n).toBe(0);
    });

    it('should erase exactly the listed entries when an erasure is granted, and nothing when refused', async () => {
      const worker = await aProfessional(app.db.ds, org);
      const built = await aDossier().withSubject(aPerson().aged(17)).withEntries(3, worker.id).build(app.db.ds, org);
      const file = async () => (await register(built.dossier.id, [built.subject.id], { type: 'ERASURE' })).data!.fileRightsRequest.id;
      const refused = await app.gql(DECIDE, { input: { id: await file(), decision: 'REFUSED', refusalGround: 'LEGAL_RETENTION', note: 'Wettelijke bewaarplicht' } }, officerToken);
      expect(refused.errors).toBeUndefined();
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [built.dossier.id])).toBe(3);
      const granted = await app.gql(DECIDE, { input: { id: await file(), decision: 'GRANTED', erasure: { entryIds: [built.entries[0].id] } } }, officerToken);
      expect(granted.errors).toBeUndefined();
      const left = await app.db.ds.query('SELECT id FROM entry WHERE dossier_id = $1', [built.dossier.id]);
      expect(left.map((r: { id: string }) => r.id).sort()).toEqual([built.entries[1].id, built.entries[2].id].sort());
      expect((await eventsOf(app.db.ds, granted)).find((e) => e.action === 'DELETE')!.granted_fields).toEqual(['Entry.*']);
    });

    it('should destroy the dossier when an early destruction is granted, and keep it when refused', async () => {
      const keep = await family(17);
      const refusedId = (await register(keep.dossier.id, [keep.subject.id], { type: 'EARLY_DESTRUCTION' })).data!.fileRightsRequest.id;
      const refused = await app.gql(DECIDE, { input: { id: refusedId, decision: 'REFUSED', refusalGround: 'CARE_OR_PROTECTION', note: 'Vernietiging schaadt de cliënt' } }, officerToken);
      expect(refused.errors).toBeUndefined();
      expect(await rowCount(app.db.ds, 'dossier', 'id = $1', [keep.dossier.id])).toBe(1);

      const gone = await family(17);
      const id = (await register(gone.dossier.id, [gone.subject.id], { type: 'EARLY_DESTRUCTION' })).data!.fileRightsRequest.id;
      const res = await app.gql(DECIDE, { input: { id, decision: 'GRANTED' } }, officerToken);
      expect(res.errors).toBeUndefined();
      expect(res.data!.decideRightsRequest).toMatchObject({ status: 'CARRIED_OUT', decision: 'GRANTED' });
      expect(await rowCount(app.db.ds, 'dossier', 'id = $1', [gone.dossier.id])).toBe(0);
      expect(await rowCount(app.db.ds, 'destruction_record', 'rights_request_id = $1', [id])).toBe(1);
    });

    it('should let only the privacy officer decide', async () => {
      const { id, subject } = await rectification();
      for (const token of [await app.staffToken(org, StaffRole.CARE_WORKER), await app.clientToken(subject)]) {
        expect(codes(await app.gql(DECIDE, { input: { id, decision: 'GRANTED', corrections: [{ personId: subject.id, field: 'lastName', value: 'Z' }] } }, token))).toEqual(['FORBIDDEN']);
      }
      expect(await lastNameOf(subject.id)).toBe(subject.lastName);
    });
  });
});
