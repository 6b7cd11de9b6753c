import { randomUUID } from 'node:crypto';
import { AssignmentRole, Category, FamilyRelation, StaffRole } from '../../src/entities/enums';
import { dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { anAuditorGrant, codeAt, codes, errorAt, nodes, rowCount } from '../support/scenario-builders';
import { startTestApp, TestApp } from '../support/test-app';

const DOSSIERS = 'query { dossiers(first: 100) { edges { node { id } } } }';
const EMERGENCY_READ = `query($id: ID!) { dossier(id: $id) {
  id
  subject { firstName lastName bsn phone }
  entries { edges { node { text } } }
  workNotes { edges { node { text } } }
  myAccess { relationships read write emergency expiresAt }
} }`;
const START = 'mutation($input: StartEmergencyAccessInput!) { startEmergencyAccess(input: $input) { id dossierId reason startedAt expiresAt } }';
const QUEUE = `query($reviewed: Boolean!) { emergencyAccessReviewQueue(first: 100, reviewed: $reviewed) {
  edges { node { id dossierId reason reviewOutcome reviewNote reviewedAt professional { id } } }
} }`;
const REVIEW = 'mutation($input: ReviewEmergencyAccessInput!) { reviewEmergencyAccess(input: $input) { id reviewOutcome reviewNote reviewedAt } }';
const ADD_ENTRY = 'mutation($input: AddEntryInput!) { addEntry(input: $input) { id } }';

const AUDIT_READ = `query($id: ID!) { dossier(id: $id) {
  id
  subject { id firstName lastName bsn phone }
  entries { edges { node { text } } }
  entitlements { edges { node { decisionNumber } } }
} }`;
const AUDIT_FAMILY = `query($id: ID!) { dossier(id: $id) { subject { id firstName } family { edges { node { person { id firstName lastName } } } } } }`;
const CREATE_GRANT = 'mutation($input: CreateAuditorGrantInput!) { createAuditorGrant(input: $input) { id auditorSubject dossierIds categories validFrom validUntil revokedAt } }';
const REVOKE_GRANT = 'mutation($id: ID!) { revokeAuditorGrant(id: $id) { id revokedAt } }';
const GRANTS = 'query { auditorGrants(first: 100) { edges { node { id auditorSubject categories dossierIds } } } }';

const PSEUDONYM = /^Pseudoniem [0-9A-F]{10}$/;
const longReason = 'Acute zorgmelding buiten kantoortijd, collega onbereikbaar';
const sorted = (xs: readonly string[] | null | undefined) => [...(xs ?? [])].sort();

describe('permission scenarios: emergency access and auditors (SPEC §9, §10)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const listed = async (token: string) => nodes<{ id: string }>((await app.gql(DOSSIERS, {}, token)).data?.dossiers).map((d) => d.id);

  describe('break-the-glass', () => {
    /** A dossier with an assigned care worker (and their work note), and an unassigned colleague with a work note of their own. */
    async function emergencySetup() {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const assigned = await aProfessional(ds, org);
      const oncall = await aProfessional(ds, org);
      const entry = `Crisisplan ${randomUUID()}`;
      const notes = { assigned: `Eigen werkaantekening ${randomUUID()}`, oncall: `Aantekening dienstdoende ${randomUUID()}` };
      const built = await aDossier()
        .withParent()
        .withAssignment(assigned)
        .withEntry({ authorId: assigned.id, text: entry })
        .withWorkNote(assigned, notes.assigned)
        .withWorkNote(oncall, notes.oncall)
        .build(ds, org);
      return {
        org, assigned, oncall, entry, notes, ...built,
        oncallToken: await app.staffToken(org, StaffRole.CARE_WORKER, oncall),
        officerToken: await app.staffToken(org, StaffRole.PRIVACY_OFFICER, `fg-${randomUUID()}`),
      };
    }

    async function breakGlass(s: Awaited<ReturnType<typeof emergencySetup>>) {
      const res = await app.gql(START, { input: { dossierId: s.dossier.id, reason: longReason } }, s.oncallToken);
      expect(res.errors).toBeUndefined();
      return res.data!.startEmergencyAccess as { id: string; dossierId: string; reason: string; startedAt: string; expiresAt: string };
    }

    it('should turn NOT_FOUND into a 4-hour read of CARE and IDENTITY data after a reason of 20+ characters', async () => {
      const s = await emergencySetup();
      const before = await app.gql(EMERGENCY_READ, { id: s.dossier.id }, s.oncallToken);
      expect(codes(before)).toEqual(['NOT_FOUND']);
      expect(await listed(s.oncallToken)).toEqual([]);

      const access = await breakGlass(s);
      expect(access.dossierId).toBe(s.dossier.id);
      expect(access.reason).toBe(longReason);
      const hours = (Date.parse(access.expiresAt) - Date.parse(access.startedAt)) / 3600_000;
      expect(hours).toBe(4);

      const res = await app.gql(EMERGENCY_READ, { id: s.dossier.id }, s.oncallToken);
      const d = res.data?.dossier;
      expect(d.id).toBe(s.dossier.id);
      expect(d.subject).toEqual({ firstName: s.subject.firstName, lastName: s.subject.lastName, bsn: s.subject.bsn, phone: s.subject.phone });
      expect(nodes<{ text: string }>(d.entries).map((e) => e.text)).toEqual([s.entry]);
      expect(d.myAccess.emergency).toBe(true);
      expect(d.myAccess.relationships).toEqual(['emergency']);
      expect(Date.parse(d.myAccess.expiresAt)).toBe(Date.parse(access.expiresAt));
      expect(d.myAccess.write).toEqual([]);
      expect(d.myAccess.read).not.toContain(Category.WORK_NOTES);
      expect(await listed(s.oncallToken)).toEqual([s.dossier.id]);
    });

    it('should never show work notes under emergency access, not even the viewer’s own (null + FORBIDDEN)', async () => {
      const s = await emergencySetup();
      await breakGlass(s);
      const res = await app.gql(EMERGENCY_READ, { id: s.dossier.id }, s.oncallToken);
      expect(res.data?.dossier.workNotes).toBeNull();
      expect(codeAt(res, ['dossier', 'workNotes'])).toBe('FORBIDDEN');
      const body = JSON.stringify(res.response.body);
      expect(body).not.toContain(s.notes.assigned);
      expect(body).not.toContain(s.notes.oncall);
      // Everything else of the response stays.
      expect(res.data?.dossier.subject.firstName).toBe(s.subject.firstName);
    });

    it('should forbid writes under emergency access and write nothing', async () => {
      const s = await emergencySetup();
      await breakGlass(s);
      const before = await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [s.dossier.id]);
      const res = await app.gql(ADD_ENTRY, { input: { dossierId: s.dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text: 'Noodnotitie' } }, s.oncallToken);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [s.dossier.id])).toBe(before);
    });

    it('should reject a reason of 19 characters with BAD_USER_INPUT and open nothing', async () => {
      const s = await emergencySetup();
      const reason = 'x'.repeat(19);
      const res = await app.gql(START, { input: { dossierId: s.dossier.id, reason } }, s.oncallToken);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(errorAt(res, ['startEmergencyAccess'])?.extensions.field).toBe('input.reason');
      expect(await rowCount(app.db.ds, 'emergency_access', 'dossier_id = $1', [s.dossier.id])).toBe(0);
      expect(codes(await app.gql(EMERGENCY_READ, { id: s.dossier.id }, s.oncallToken))).toEqual(['NOT_FOUND']);
      // Exactly 20 is enough.
      const ok = await app.gql(START, { input: { dossierId: s.dossier.id, reason: 'y'.repeat(20) } }, s.oncallToken);
      expect(ok.errors).toBeUndefined();
    });

    it('should not let admin support (or a privacy officer) break the glass', async () => {
      const s = await emergencySetup();
      for (const role of [StaffRole.ADMIN_SUPPORT, StaffRole.PRIVACY_OFFICER, StaffRole.AUDITOR]) {
        const token = await app.staffToken(s.org, role, await aProfessional(app.db.ds, s.org));
        const res = await app.gql(START, { input: { dossierId: s.dossier.id, reason: longReason } }, token);
        expect({ role, codes: codes(res) }).toEqual({ role, codes: ['FORBIDDEN'] });
      }
      expect(await rowCount(app.db.ds, 'emergency_access', 'dossier_id = $1', [s.dossier.id])).toBe(0);
    });

    it('should let a behavioural expert break the glass too', async () => {
      const s = await emergencySetup();
      const expert = await app.staffToken(s.org, StaffRole.BEHAVIOURAL_EXPERT, await aProfessional(app.db.ds, s.org));
      expect((await app.gql(START, { input: { dossierId: s.dossier.id, reason: longReason } }, expert)).errors).toBeUndefined();
      const res = await app.gql('query($id: ID!) { dossier(id: $id) { myAccess { emergency } subject { firstName } } }', { id: s.dossier.id }, expert);
      expect(res.data?.dossier).toEqual({ myAccess: { emergency: true }, subject: { firstName: s.subject.firstName } });
    });

    it('should answer NOT_FOUND for a dossier of another organisation and open nothing', async () => {
      const s = await emergencySetup();
      const other = await anOrganisation(app.db.ds);
      const foreign = await app.staffToken(other, StaffRole.CARE_WORKER, await aProfessional(app.db.ds, other));
      const res = await app.gql(START, { input: { dossierId: s.dossier.id, reason: longReason } }, foreign);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(await rowCount(app.db.ds, 'emergency_access', 'dossier_id = $1', [s.dossier.id])).toBe(0);
    });

    it('should be NOT_FOUND again once the access has expired', async () => {
      const s = await emergencySetup();
      const access = await breakGlass(s);
      expect((await app.gql(EMERGENCY_READ, { id: s.dossier.id }, s.oncallToken)).data?.dossier.id).toBe(s.dossier.id);
      await app.db.ds.query(`UPDATE emergency_access SET expires_at = now() - interval '1 minute' WHERE id = $1`, [access.id]);
      const res = await app.gql(EMERGENCY_READ, { id: s.dossier.id }, s.oncallToken);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(res.response.body)).not.toContain(s.entry);
      expect(await listed(s.oncallToken)).toEqual([]);
    });

    it('should put the access in the privacy officer’s queue, refuse the queue to a care worker, and move it to reviewed once; a second review is CONFLICT', async () => {
      const s = await emergencySetup();
      const access = await breakGlass(s);

      const queue = await app.gql(QUEUE, { reviewed: false }, s.officerToken);
      expect(queue.errors).toBeUndefined();
      expect(nodes(queue.data?.emergencyAccessReviewQueue)).toEqual([
        { id: access.id, dossierId: s.dossier.id, reason: longReason, reviewOutcome: null, reviewNote: null, reviewedAt: null, professional: { id: s.oncall.id } },
      ]);

      for (const role of [StaffRole.CARE_WORKER, StaffRole.ADMIN_SUPPORT, StaffRole.AUDITOR]) {
        const token = role === StaffRole.CARE_WORKER ? s.oncallToken : await app.staffToken(s.org, role, await aProfessional(app.db.ds, s.org));
        const denied = await app.gql(QUEUE, { reviewed: false }, token);
        expect({ role, codes: codes(denied) }).toEqual({ role, codes: ['FORBIDDEN'] });
        expect(denied.data?.emergencyAccessReviewQueue ?? null).toBeNull();
      }
      const selfReview = await app.gql(REVIEW, { input: { id: access.id, outcome: 'JUSTIFIED', note: 'Zelf beoordeeld' } }, s.oncallToken);
      expect(codes(selfReview)).toEqual(['FORBIDDEN']);
      expect((await app.db.ds.query('select reviewed_at from emergency_access where id = $1', [access.id]))[0].reviewed_at).toBeNull();

      const review = await app.gql(REVIEW, { input: { id: access.id, outcome: 'JUSTIFIED', note: 'Crisis bevestigd door teamleider' } }, s.officerToken);
      expect(review.errors).toBeUndefined();
      expect(review.data?.reviewEmergencyAccess).toMatchObject({ id: access.id, reviewOutcome: 'JUSTIFIED', reviewNote: 'Crisis bevestigd door teamleider' });

      expect(nodes((await app.gql(QUEUE, { reviewed: false }, s.officerToken)).data?.emergencyAccessReviewQueue)).toEqual([]);
      const reviewed = nodes<{ id: string; reviewOutcome: string; reviewedAt: string | null }>((await app.gql(QUEUE, { reviewed: true }, s.officerToken)).data?.emergencyAccessReviewQueue);
      expect(reviewed.map((r) => [r.id, r.reviewOutcome])).toEqual([[access.id, 'JUSTIFIED']]);
      expect(reviewed[0].reviewedAt).not.toBeNull();

      const again = await app.gql(REVIEW, { input: { id: access.id, outcome: 'UNJUSTIFIED', note: 'Toch niet' } }, s.officerToken);
      expect(codes(again)).toEqual(['CONFLICT']);
      const [row] = await app.db.ds.query('select review_outcome, review_note from emergency_access where id = $1', [access.id]);
      expect(row).toEqual({ review_outcome: 'JUSTIFIED', review_note: 'Crisis bevestigd door teamleider' });
    });

    it('should not show one organisation’s emergency accesses in another organisation’s queue', async () => {
      const s = await emergencySetup();
      await breakGlass(s);
      const other = await anOrganisation(app.db.ds);
      const res = await app.gql(QUEUE, { reviewed: false }, await app.staffToken(other, StaffRole.PRIVACY_OFFICER, `fg-${randomUUID()}`));
      expect(res.errors).toBeUndefined();
      expect(nodes(res.data?.emergencyAccessReviewQueue)).toEqual([]);
    });
  });

  describe('auditor grants', () => {
    /** Two siblings' dossiers sharing a mother, and a third dossier; a privacy officer; an auditor subject. */
    async function auditSetup() {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const officer = await aProfessional(ds, org);
      const mother = await aPerson().aged(38).build(ds, org);
      const make = () => aDossier().withParent(mother, { custody: true, relation: FamilyRelation.MOTHER }).withAssignment(worker, AssignmentRole.CARE_WORKER)
        .withEntry({ authorId: worker.id, text: `Observatie ${randomUUID()}` }).withEntitlement().build(ds, org);
      const a = await make();
      const b = await make();
      const c = await make();
      const auditorSub = `auditor-${randomUUID()}`;
      return {
        org, worker, officer, mother, a, b, c, auditorSub,
        officerToken: await app.staffToken(org, StaffRole.PRIVACY_OFFICER, officer),
        auditorToken: await app.staffToken(org, StaffRole.AUDITOR, auditorSub),
      };
    }
    type Setup = Awaited<ReturnType<typeof auditSetup>>;

    const window = (days = 7) => ({ validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + days * 86400_000).toISOString() });

    async function grant(s: Setup, categories: string[], dossierIds = [s.a.dossier.id, s.b.dossier.id], auditorSubject = s.auditorSub) {
      const res = await app.gql(CREATE_GRANT, { input: { auditorSubject, purpose: 'Kwaliteitsaudit jeugdhulp', dossierIds, categories, ...window() } }, s.officerToken);
      expect(res.errors).toBeUndefined();
      return res.data!.createAuditorGrant as { id: string; categories: string[]; dossierIds: string[] };
    }

    it('should let a privacy officer create a CARE grant under which the auditor reads the entries of exactly those two dossiers', async () => {
      const s = await auditSetup();
      const g = await grant(s, ['CARE']);
      expect(g.categories).toEqual(['CARE']);
      expect(sorted(g.dossierIds)).toEqual(sorted([s.a.dossier.id, s.b.dossier.id]));

      for (const d of [s.a, s.b]) {
        const res = await app.gql(AUDIT_READ, { id: d.dossier.id }, s.auditorToken);
        expect(res.data?.dossier.id).toBe(d.dossier.id);
        expect(nodes<{ text: string }>(res.data?.dossier.entries).map((e) => e.text)).toEqual([d.entries[0].text]);
        expect(codeAt(res, ['dossier', 'entries'])).toBeUndefined();
      }
      const third = await app.gql(AUDIT_READ, { id: s.c.dossier.id }, s.auditorToken);
      expect(codes(third)).toEqual(['NOT_FOUND']);
      expect(third.data?.dossier ?? null).toBeNull();
      expect(sorted(await listed(s.auditorToken))).toEqual(sorted([s.a.dossier.id, s.b.dossier.id]));
    });

    it('should show a pseudonym for firstName and withhold lastName, BSN, phone and entitlements with FORBIDDEN', async () => {
      const s = await auditSetup();
      await grant(s, ['CARE']);
      const res = await app.gql(AUDIT_READ, { id: s.a.dossier.id }, s.auditorToken);
      const subject = res.data?.dossier.subject;
      expect(subject.id).toBe(s.a.subject.id);
      expect(subject.firstName).toMatch(PSEUDONYM);
      expect(codeAt(res, ['dossier', 'subject', 'firstName'])).toBeUndefined();
      expect({ lastName: subject.lastName, bsn: subject.bsn, phone: subject.phone }).toEqual({ lastName: null, bsn: null, phone: null });
      for (const field of ['lastName', 'bsn', 'phone']) expect(codeAt(res, ['dossier', 'subject', field])).toBe('FORBIDDEN');
      expect(res.data?.dossier.entitlements).toBeNull();
      expect(codeAt(res, ['dossier', 'entitlements'])).toBe('FORBIDDEN');
      const body = JSON.stringify(res.response.body);
      for (const secret of [s.a.subject.firstName, s.a.subject.lastName, s.a.subject.bsn!, s.a.subject.phone!]) expect(body).not.toContain(secret);
      // Family is not granted: the relatives (and their names) are out of reach.
      const family = await app.gql(AUDIT_FAMILY, { id: s.a.dossier.id }, s.auditorToken);
      expect(family.data?.dossier.family).toBeNull();
      expect(codeAt(family, ['dossier', 'family'])).toBe('FORBIDDEN');
    });

    it('should keep a person’s pseudonym stable within a grant, distinct between persons, and different under another grant', async () => {
      const s = await auditSetup();
      await grant(s, ['CARE', 'FAMILY']);
      const pseudonyms = async (dossierId: string, token: string) => {
        const res = await app.gql(AUDIT_FAMILY, { id: dossierId }, token);
        // Only the last names are withheld (no IDENTITY in the grant).
        expect([...new Set(res.errors?.map((e) => `${e.extensions.code} ${e.path?.[e.path.length - 1]}`))]).toEqual(['FORBIDDEN lastName']);
        const members = nodes<{ person: { id: string; firstName: string; lastName: string | null } }>(res.data?.dossier.family);
        const mother = members.find((m) => m.person.id === s.mother.id)!.person;
        return { subject: res.data?.dossier.subject.firstName as string, mother: mother.firstName, motherLast: mother.lastName, body: JSON.stringify(res.response.body) };
      };
      const inA = await pseudonyms(s.a.dossier.id, s.auditorToken);
      const inB = await pseudonyms(s.b.dossier.id, s.auditorToken);
      const inAagain = await pseudonyms(s.a.dossier.id, s.auditorToken);
      expect(inA.mother).toMatch(PSEUDONYM);
      expect(inA.motherLast).toBeNull();
      expect(inA.body).not.toContain(s.mother.firstName);
      // Same person in both dossiers of the grant, and across requests: the same pseudonym.
      expect(inB.mother).toBe(inA.mother);
      expect(inAagain).toEqual(inA);
      // Different persons: different pseudonyms.
      expect(new Set([inA.subject, inB.subject, inA.mother]).size).toBe(3);

      // A second grant (another audit) cannot be linked to the first.
      const secondSub = `auditor-${randomUUID()}`;
      await grant(s, ['CARE', 'FAMILY'], [s.a.dossier.id], secondSub);
      const second = await pseudonyms(s.a.dossier.id, await app.staffToken(s.org, StaffRole.AUDITOR, secondSub));
      expect(second.mother).toMatch(PSEUDONYM);
      expect(second.mother).not.toBe(inA.mother);
      expect(second.subject).not.toBe(inA.subject);
    });

    it('should give the same auditor different pseudonyms for the same person under two grants', async () => {
      const s = await auditSetup();
      await grant(s, ['FAMILY'], [s.a.dossier.id]);
      await grant(s, ['FAMILY'], [s.c.dossier.id]);
      const motherIn = async (dossierId: string) => {
        const res = await app.gql(AUDIT_FAMILY, { id: dossierId }, s.auditorToken);
        return nodes<{ person: { id: string; firstName: string } }>(res.data?.dossier.family).find((m) => m.person.id === s.mother.id)!.person.firstName;
      };
      const underFirst = await motherIn(s.a.dossier.id);
      const underSecond = await motherIn(s.c.dossier.id);
      expect(underFirst).toMatch(PSEUDONYM);
      expect(underSecond).toMatch(PSEUDONYM);
      expect(underSecond).not.toBe(underFirst);
    });

    it('should show real names under a grant that lists IDENTITY, still without BSN or phone', async () => {
      const s = await auditSetup();
      await grant(s, ['IDENTITY', 'CARE']);
      const res = await app.gql(AUDIT_READ, { id: s.a.dossier.id }, s.auditorToken);
      expect(res.data?.dossier.subject).toEqual({ id: s.a.subject.id, firstName: s.a.subject.firstName, lastName: s.a.subject.lastName, bsn: null, phone: null });
      expect(codeAt(res, ['dossier', 'subject', 'bsn'])).toBe('FORBIDDEN');
      expect(codeAt(res, ['dossier', 'subject', 'phone'])).toBe('FORBIDDEN');
    });

    it('should be NOT_FOUND once the grant’s window has passed', async () => {
      const s = await auditSetup();
      const g = await grant(s, ['CARE']);
      expect((await app.gql(AUDIT_READ, { id: s.a.dossier.id }, s.auditorToken)).data?.dossier.id).toBe(s.a.dossier.id);
      await app.db.ds.query(`UPDATE auditor_grant SET valid_from = now() - interval '2 days', valid_until = now() - interval '1 minute' WHERE id = $1`, [g.id]);
      const res = await app.gql(AUDIT_READ, { id: s.a.dossier.id }, s.auditorToken);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(res.response.body)).not.toContain(s.a.entries[0].text);
      expect(await listed(s.auditorToken)).toEqual([]);
    });

    it('should open nothing before the grant’s window starts', async () => {
      const s = await auditSetup();
      await anAuditorGrant(app.db.ds, s.org, s.officer, {
        auditorSubject: s.auditorSub, dossierIds: [s.a.dossier.id], categories: [Category.CARE],
        validFrom: new Date(Date.now() + 86400_000), validUntil: new Date(Date.now() + 2 * 86400_000),
      });
      expect(codes(await app.gql(AUDIT_READ, { id: s.a.dossier.id }, s.auditorToken))).toEqual(['NOT_FOUND']);
    });

    it('should be NOT_FOUND right after the privacy officer revokes the grant', async () => {
      const s = await auditSetup();
      const g = await grant(s, ['CARE']);
      expect((await app.gql(AUDIT_READ, { id: s.b.dossier.id }, s.auditorToken)).data?.dossier.id).toBe(s.b.dossier.id);
      const revoked = await app.gql(REVOKE_GRANT, { id: g.id }, s.officerToken);
      expect(revoked.errors).toBeUndefined();
      expect(revoked.data?.revokeAuditorGrant.revokedAt).not.toBeNull();
      expect(codes(await app.gql(AUDIT_READ, { id: s.b.dossier.id }, s.auditorToken))).toEqual(['NOT_FOUND']);
      expect(await listed(s.auditorToken)).toEqual([]);
    });

    it('should not open a grant to another auditor subject, nor a care worker revoke or list grants', async () => {
      const s = await auditSetup();
      const g = await grant(s, ['CARE']);
      const otherAuditor = await app.staffToken(s.org, StaffRole.AUDITOR, `auditor-${randomUUID()}`);
      expect(codes(await app.gql(AUDIT_READ, { id: s.a.dossier.id }, otherAuditor))).toEqual(['NOT_FOUND']);
      const worker = await app.staffToken(s.org, StaffRole.CARE_WORKER, s.worker);
      expect(codes(await app.gql(REVOKE_GRANT, { id: g.id }, worker))).toEqual(['FORBIDDEN']);
      expect(codes(await app.gql(GRANTS, {}, worker))).toEqual(['FORBIDDEN']);
      expect(codes(await app.gql(GRANTS, {}, s.auditorToken))).toEqual(['FORBIDDEN']);
      const list = await app.gql(GRANTS, {}, s.officerToken);
      expect(nodes<{ id: string }>(list.data?.auditorGrants).map((x) => x.id)).toEqual([g.id]);
      expect((await app.gql(AUDIT_READ, { id: s.a.dossier.id }, s.auditorToken)).data?.dossier.id).toBe(s.a.dossier.id);
    });

    it('should reject CONTACT, IDENTIFIERS and WORK_NOTES in a grant with BAD_USER_INPUT on input.categories, and write nothing', async () => {
      const s = await auditSetup();
      for (const category of ['CONTACT', 'IDENTIFIERS', 'WORK_NOTES']) {
        const res = await app.gql(CREATE_GRANT, {
          input: { auditorSubject: s.auditorSub, purpose: 'Kwaliteitsaudit', dossierIds: [s.a.dossier.id], categories: ['CARE', category], ...window() },
        }, s.officerToken);
        expect({ category, codes: codes(res) }).toEqual({ category, codes: ['BAD_USER_INPUT'] });
        expect(errorAt(res, ['createAuditorGrant'])?.extensions.field).toBe('input.categories');
      }
      expect(await rowCount(app.db.ds, 'auditor_grant', 'organisation_id = $1', [s.org.id])).toBe(0);
      expect(codes(await app.gql(AUDIT_READ, { id: s.a.dossier.id }, s.auditorToken))).toEqual(['NOT_FOUND']);
    });

    it('should reject a window longer than 30 days with BAD_USER_INPUT on input.validUntil, and accept exactly 30 days', async () => {
      const s = await auditSetup();
      const from = new Date(Date.now() - 60_000);
      const tooLong = await app.gql(CREATE_GRANT, {
        input: { auditorSubject: s.auditorSub, purpose: 'Kwaliteitsaudit', dossierIds: [s.a.dossier.id], categories: ['CARE'], validFrom: from.toISOString(), validUntil: new Date(from.getTime() + 30 * 86400_000 + 1000).toISOString() },
      }, s.officerToken);
      expect(codes(tooLong)).toEqual(['BAD_USER_INPUT']);
      expect(errorAt(tooLong, ['createAuditorGrant'])?.extensions.field).toBe('input.validUntil');
      expect(await rowCount(app.db.ds, 'auditor_grant', 'organisation_id = $1', [s.org.id])).toBe(0);

      const exactly = await app.gql(CREATE_GRANT, {
        input: { auditorSubject: s.auditorSub, purpose: 'Kwaliteitsaudit', dossierIds: [s.a.dossier.id], categories: ['CARE'], validFrom: from.toISOString(), validUntil: new Date(from.getTime() + 30 * 86400_000).toISOString() },
      }, s.officerToken);
      expect(exactly.errors).toBeUndefined();
    });

    it('should forbid a care worker (and an auditor) to create a grant, and write nothing', async () => {
      const s = await auditSetup();
      for (const token of [await app.staffToken(s.org, StaffRole.CARE_WORKER, s.worker), s.auditorToken]) {
        const res = await app.gql(CREATE_GRANT, {
          input: { auditorSubject: s.auditorSub, purpose: 'Kwaliteitsaudit', dossierIds: [s.a.dossier.id], categories: ['CARE'], ...window() },
        }, token);
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.data?.createAuditorGrant ?? null).toBeNull();
      }
      expect(await rowCount(app.db.ds, 'auditor_grant', 'organisation_id = $1', [s.org.id])).toBe(0);
    });

    it('should reject a grant naming a dossier of another organisation', async () => {
      const s = await auditSetup();
      const other = await anOrganisation(app.db.ds);
      const { dossier } = await aDossier().build(app.db.ds, other);
      const res = await app.gql(CREATE_GRANT, {
        input: { auditorSubject: s.auditorSub, purpose: 'Kwaliteitsaudit', dossierIds: [s.a.dossier.id, dossier.id], categories: ['CARE'], ...window() },
      }, s.officerToken);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(await rowCount(app.db.ds, 'auditor_grant')).toBe(await rowCount(app.db.ds, 'auditor_grant', 'organisation_id <> $1', [s.org.id]));
    });
  });
});
