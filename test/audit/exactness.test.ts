import { randomUUID } from 'node:crypto';
import { Category, IdDocumentType, StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { eventsOf, LoggedEvent, requestIdOf } from '../support/access-log';
import { anAuditorGrant, codes, nodes } from '../support/scenario-builders';
import { startTestApp, TestApp } from '../support/test-app';

/** The care worker's list: N = 3 sensitive leaf paths (plus the CARE connection `Dossier.entries`) over K dossiers. */
const CARE_LIST = `query CareList { dossiers(first: 100) { edges { node { id
  subject { firstName bsn }
  entries { edges { node { text } } }
} } } }`;
const CARE_LIST_PATHS = ['Dossier.entries', 'Entry.text', 'Person.bsn', 'Person.firstName'];

const PARENT_READ = `query ParentRead($id: ID!) { dossier(id: $id) { id
  subject { firstName bsn idDocumentNumber }
  workNotes { edges { node { text } } }
} }`;
const AUDIT_READ = `query AuditRead($id: ID!) { dossier(id: $id) { id
  subject { id firstName lastName }
  entries { edges { node { text } } }
} }`;
const EMERGENCY_READ = `query EmergencyRead($id: ID!) { dossier(id: $id) { id subject { firstName bsn } entries { edges { node { text } } } } }`;
const START = 'mutation BreakGlass($input: StartEmergencyAccessInput!) { startEmergencyAccess(input: $input) { id dossierId expiresAt } }';
const PLAIN_READ = 'query Peek($id: ID!) { dossier(id: $id) { id subject { firstName lastName bsn } } }';

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('access log: one exact event per (request, dossier, action) (SPEC §6)', () => {
  let app: TestApp;
  /** Every value and token that was handed out or used in this file: none may ever reach the log. */
  const secrets = new Set<string>();

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** An organisation with a care worker assigned to K dossiers (each with a parent and two entries), and one dossier not theirs. */
  async function careWorkerWithDossiers(k: number) {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const colleague = await aProfessional(ds, org);
    const built = [];
    for (let i = 0; i < k; i += 1) built.push(await aDossier().withParent().withAssignment(worker).withEntries(2, worker.id).build(ds, org));
    const other = await aDossier().withAssignment(colleague).withEntries(1, colleague.id).build(ds, org);
    const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
    for (const b of [...built, other]) {
      for (const p of [b.subject, ...b.relatives.map((r) => r.person)]) [p.firstName, p.lastName, p.bsn!, p.email!].forEach((v) => secrets.add(v));
      b.entries.forEach((e) => secrets.add(e.text));
    }
    secrets.add(token);
    return { org, worker, colleague, built, other, token };
  }

  describe('a care worker listing K = 3 dossiers', () => {
    it('should log exactly K READ events with that request id, each listing exactly the field paths resolved in its dossier', async () => {
      const s = await careWorkerWithDossiers(3);
      const startedAt = Date.now();
      const res = await app.gql(CARE_LIST, {}, s.token);
      const endedAt = Date.now();
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(nodes(res.data?.dossiers)).toHaveLength(3);

      const events = await eventsOf(app.db.ds, res);
      expect(events).toHaveLength(3);
      expect(sorted(events.map((e) => e.dossier_id!))).toEqual(sorted(s.built.map((b) => b.dossier.id)));
      for (const e of events) {
        const b = s.built.find((x) => x.dossier.id === e.dossier_id)!;
        expect(e).toMatchObject({
          organisation_id: s.org.id,
          actor_sub: s.worker.subject,
          actor_role: 'care_worker',
          relationship: 'care_worker',
          actor_person_id: null,
          client_app: null,
          action: 'READ',
          subject_person_id: b.subject.id,
          outcome: 'GRANTED',
          check_authorisation: true,
          check_care_relationship: true,
          check_consent: false,
          check_emergency: false,
          purpose: 'TREAT',
          legal_basis_ref: null,
          request_id: requestIdOf(res),
          operation_name: 'CareList',
        });
        expect(sorted(e.granted_fields)).toEqual(CARE_LIST_PATHS);
        expect(e.denied_fields).toEqual([]);
        expect(e.pseudonymised_fields).toEqual([]);
        expect(e.source_address).toMatch(/127\.0\.0\.1/);
        // Time of the access, to the millisecond (timestamptz(3)), within the request.
        expect(e.occurred_at.getTime()).toBeGreaterThanOrEqual(startedAt - 5);
        expect(e.occurred_at.getTime()).toBeLessThanOrEqual(endedAt + 5);
      }
      // One batch: the whole request was appended by one call.
      expect(new Set(events.map((e) => `${e.chain_shard}/${e.chain_seq}`)).size).toBe(1);
      expect(events.map((e) => e.batch_size)).toEqual([3, 3, 3]);
      // The dossier the care worker has no relationship to is not in the log of this request.
      expect(events.some((e) => e.dossier_id === s.other.dossier.id)).toBe(false);
    });

    it('should log the same paths whatever the number of rows of a dossier (a path once per event, not once per row)', async () => {
      const s = await careWorkerWithDossiers(1);
      await aDossier().withAssignment(s.worker).withEntries(25, s.worker.id).build(app.db.ds, s.org);
      const res = await app.gql(CARE_LIST, {}, s.token);
      expect(res.errors).toBeUndefined();
      const events = await eventsOf(app.db.ds, res);
      expect(events).toHaveLength(2);
      for (const e of events) expect(e.granted_fields).toEqual(CARE_LIST_PATHS);
    });
  });

  describe('a parent asking for a field they may not see', () => {
    it('should log the granted paths in granted_fields and the denied ones in denied_fields of one GRANTED event', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const parent = await aPerson().aged(38).build(ds, org);
      const built = await aDossier().withSubject(aPerson().aged(9).with({ idDocumentType: IdDocumentType.ID_CARD, idDocumentNumber: 'NX0000001' })).withParent(parent)
        .withAssignment(worker).withWorkNote(worker, `Werkaantekening ${randomUUID()}`).build(ds, org);
      const token = await app.clientToken(parent);
      [built.subject.firstName, built.subject.lastName, built.subject.bsn!, 'NX0000001', parent.firstName, parent.lastName, token].forEach((v) => secrets.add(v));

      const res = await app.gql(PARENT_READ, { id: built.dossier.id }, token);
      expect(res.data?.dossier.subject).toEqual({ firstName: built.subject.firstName, bsn: built.subject.bsn, idDocumentNumber: null });
      expect(res.data?.dossier.workNotes).toBeNull();
      expect(sorted(codes(res)!)).toEqual(['FORBIDDEN', 'FORBIDDEN']);

      const events = await eventsOf(ds, res);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        organisation_id: org.id, actor_sub: `client-${parent.id}`, actor_role: 'client', relationship: 'parent', actor_person_id: parent.id,
        action: 'READ', dossier_id: built.dossier.id, subject_person_id: built.subject.id, outcome: 'GRANTED', purpose: 'RIGHTS',
        check_authorisation: true, check_care_relationship: false, check_emergency: false, operation_name: 'ParentRead',
      });
      expect(sorted(events[0].granted_fields)).toEqual(['Person.bsn', 'Person.firstName']);
      expect(sorted(events[0].denied_fields)).toEqual(['Dossier.workNotes', 'Person.idDocumentNumber']);
      expect(events[0].pseudonymised_fields).toEqual([]);
    });
  });

  describe('an auditor without IDENTITY in the grant', () => {
    it('should log the pseudonymised firstName in pseudonymised_fields, with purpose AUDIT and the grant id as legal basis', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const officer = await aProfessional(ds, org);
      const built = await aDossier().withAssignment(worker).withEntries(2, worker.id).build(ds, org);
      const auditorSub = `auditor-${randomUUID()}`;
      const grant = await anAuditorGrant(ds, org, officer, { auditorSubject: auditorSub, dossierIds: [built.dossier.id], categories: [Category.CARE] });
      const token = await app.staffToken(org, StaffRole.AUDITOR, auditorSub);
      [built.subject.firstName, built.subject.lastName, token].forEach((v) => secrets.add(v));

      const res = await app.gql(AUDIT_READ, { id: built.dossier.id }, token);
      expect(res.data?.dossier.subject.firstName).toMatch(/^Pseudoniem [0-9A-F]{10}$/);
      expect(res.data?.dossier.subject.lastName).toBeNull();
      expect(nodes(res.data?.dossier.entries)).toHaveLength(2);

      const events = await eventsOf(ds, res);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actor_sub: auditorSub, actor_role: 'auditor', relationship: 'auditor', action: 'READ', dossier_id: built.dossier.id,
        subject_person_id: built.subject.id, outcome: 'GRANTED', purpose: 'AUDIT', legal_basis_ref: grant.id,
        check_authorisation: true, check_care_relationship: false, check_emergency: false,
      });
      expect(events[0].pseudonymised_fields).toEqual(['Person.firstName']);
      expect(sorted(events[0].granted_fields)).toEqual(['Dossier.entries', 'Entry.text']);
      expect(events[0].denied_fields).toEqual(['Person.lastName']);
      // The pseudonym itself is a value derived from the person: not in the log either.
      secrets.add(res.data?.dossier.subject.firstName);
    });
  });

  describe('break-the-glass', () => {
    it('should log startEmergencyAccess as an EMERGENCY event and every read under it with purpose ETREAT, the emergency check and the access id', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const assigned = await aProfessional(ds, org);
      const oncall = await aProfessional(ds, org);
      const built = await aDossier().withAssignment(assigned).withEntries(1, assigned.id).build(ds, org);
      const token = await app.staffToken(org, StaffRole.CARE_WORKER, oncall);
      const reason = `Crisismelding buiten kantoortijd ${randomUUID()}`;
      [built.subject.firstName, built.subject.bsn!, built.entries[0].text, token, reason].forEach((v) => secrets.add(v));

      const started = await app.gql(START, { input: { dossierId: built.dossier.id, reason } }, token);
      expect(started.errors).toBeUndefined();
      const accessId = started.data?.startEmergencyAccess.id as string;
      const glass = await eventsOf(ds, started);
      expect(glass).toHaveLength(1);
      expect(glass[0]).toMatchObject({
        actor_sub: oncall.subject, actor_role: 'care_worker', relationship: 'emergency', action: 'EMERGENCY', dossier_id: built.dossier.id,
        subject_person_id: built.subject.id, outcome: 'GRANTED', purpose: 'ETREAT', legal_basis_ref: accessId,
        check_authorisation: true, check_emergency: true, check_care_relationship: false, operation_name: 'BreakGlass',
      });
      expect(glass[0].granted_fields).toEqual(['EmergencyAccess.reason']);

      const res = await app.gql(EMERGENCY_READ, { id: built.dossier.id }, token);
      expect(res.data?.dossier.subject.bsn).toBe(built.subject.bsn);
      const events = await eventsOf(ds, res);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'READ', dossier_id: built.dossier.id, relationship: 'emergency', outcome: 'GRANTED', purpose: 'ETREAT', legal_basis_ref: accessId,
        check_emergency: true, check_care_relationship: false, check_authorisation: true,
      });
      expect(sorted(events[0].granted_fields)).toEqual(CARE_LIST_PATHS);
    });
  });

  describe('a NOT_FOUND attempt', () => {
    it('should log a DENIED READ event when a colleague without a relationship asks for an existing dossier', async () => {
      const s = await careWorkerWithDossiers(1);
      const token = await app.staffToken(s.org, StaffRole.CARE_WORKER, s.colleague);
      secrets.add(token);
      const target = s.built[0];
      const res = await app.gql(PLAIN_READ, { id: target.dossier.id }, token);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(res.data?.dossier ?? null).toBeNull();
      const events = await eventsOf(app.db.ds, res);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        organisation_id: s.org.id, actor_sub: s.colleague.subject, actor_role: 'care_worker', relationship: 'none', action: 'READ',
        dossier_id: target.dossier.id, subject_person_id: target.subject.id, outcome: 'DENIED', check_authorisation: false,
        check_care_relationship: false, granted_fields: [], pseudonymised_fields: [], operation_name: 'Peek',
      });
    });

    it('should answer a dossier that does not exist the same way, without inventing an event about it', async () => {
      const s = await careWorkerWithDossiers(1);
      const missing = randomUUID();
      const res = await app.gql(PLAIN_READ, { id: missing }, s.token);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect((await eventsOf(app.db.ds, res)).filter((e) => e.dossier_id === missing)).toEqual([]);
    });
  });

  describe('what the log holds', () => {
    it('should never hold a field value (name, BSN, e-mail, entry text, pseudonym) or a token in any column', async () => {
      // Runs last in this file: scans every row written by the tests above.
      const rows: { json: string }[] = await app.db.ds.query('SELECT row_to_json(e)::text AS json FROM access_log_event e');
      expect(rows.length).toBeGreaterThanOrEqual(8);
      expect(secrets.size).toBeGreaterThan(20);
      const leaks: string[] = [];
      for (const { json } of rows) {
        for (const secret of secrets) {
          if (json.includes(secret)) leaks.push(secret);
          // A token's parts (header, claims, signature) must not appear either.
          if (secret.split('.').length === 3 && secret.split('.').some((part) => part.length > 16 && json.includes(part))) leaks.push(`part of ${secret.slice(0, 12)}…`);
        }
      }
      expect(leaks).toEqual([]);
      // Nor anything looking like a bearer token or a JWT.
      for (const { json } of rows) expect(json).not.toMatch(/Bearer |eyJ[A-Za-z0-9_-]{10,}/);
    });

    it('should only ever hold field paths of the form Type.field in the field columns', async () => {
      const events: LoggedEvent[] = await app.db.ds.query('SELECT granted_fields, denied_fields, pseudonymised_fields FROM access_log_event');
      for (const e of events) {
        for (const path of [...e.granted_fields, ...e.denied_fields, ...e.pseudonymised_fields]) expect(path).toMatch(/^[A-Z][A-Za-z]+\.([a-z][A-Za-z]*|\*)$/);
      }
    });
  });
});
