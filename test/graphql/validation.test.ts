import { randomUUID } from 'node:crypto';
import { AssignmentRole, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional, randomBsn } from '../support/builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const CREATE = 'mutation($input: CreateDossierInput!) { createDossier(input: $input) { id } }';
const ADD_ENTRY = 'mutation($input: AddEntryInput!) { addEntry(input: $input) { id } }';
const ADD_FAMILY = 'mutation($input: AddFamilyMemberInput!) { addFamilyMember(input: $input) { id } }';
const UPDATE_DOSSIER = 'mutation($input: UpdateDossierInput!) { updateDossier(input: $input) { id version } }';
const UPDATE_PERSON = 'mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { id version } }';
const TABLES = ['person', 'dossier', 'entry', 'family_member', 'care_team_assignment', 'professional'] as const;

/** A BSN of 9 digits that fails the elfproef. */
function invalidBsn(): string {
  const good = randomBsn();
  return good.slice(0, 8) + String((Number(good[8]) + 1) % 10);
}

function subjectInput(overrides: Record<string, unknown> = {}) {
  return { firstName: 'Daan', lastName: 'Smit', dateOfBirth: addMonths(dutchToday(), -(12 * 12 + 2)), bsn: randomBsn(), postalCode: '3511 AB', ...overrides };
}

describe('input validation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = (await app.db.ds.query(`select count(*)::int as n from ${t}`))[0].n;
    return out;
  }

  /**
   * An organisation with a dossier, its care worker and admin support (both assigned) and a
   * privacy officer: each invalid write is sent by a role that may make that write (SPEC §4),
   * so that nothing but the validation can refuse it.
   */
  async function setup() {
    const org = await anOrganisation(app.db.ds);
    const worker = await aProfessional(app.db.ds, org);
    const admin = await aProfessional(app.db.ds, org);
    const privacyOfficer = await aProfessional(app.db.ds, org);
    const built = await aDossier().withParent().withAssignment(worker).withAssignment(admin, AssignmentRole.ADMIN_SUPPORT).build(app.db.ds, org);
    return {
      org, worker, ...built,
      token: await app.staffToken(org, StaffRole.CARE_WORKER, worker),
      adminToken: await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin),
      privacyToken: await app.staffToken(org, StaffRole.PRIVACY_OFFICER, privacyOfficer),
    };
  }

  /** Runs a request and checks it was rejected as BAD_USER_INPUT on `field`, with nothing written. */
  async function expectRejected(query: string, variables: Record<string, unknown>, token: string, field: string | RegExp): Promise<GqlResult> {
    const before = await counts();
    const res = await app.gql(query, variables, token);
    expect(res.errors).toHaveLength(1);
    const [error] = res.errors!;
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    if (typeof field === 'string') expect(error.extensions.field).toBe(field);
    else expect(error.extensions.field).toMatch(field);
    expect(res.status).not.toBe(500);
    expect(await counts()).toEqual(before);
    return res;
  }

  describe('createDossier', () => {
    it('should reject a BSN that fails the elfproef without echoing it', async () => {
      const { org, worker } = await setup();
      const bsn = invalidBsn();
      const res = await expectRejected(CREATE, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subjectInput({ bsn }) } }, await app.staffToken(org, StaffRole.CARE_WORKER, worker), 'input.subject.bsn');
      expect(res.errors![0].message).not.toContain(bsn);
      expect(JSON.stringify(res.response.body)).not.toContain(bsn);
      expect(res.data?.createDossier ?? null).toBeNull();
    });

    it('should reject the BSN 000000000 although it passes the arithmetic', async () => {
      const { token } = await setup();
      const res = await expectRejected(CREATE, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subjectInput({ bsn: '000000000' }) } }, token, 'input.subject.bsn');
      expect(JSON.stringify(res.response.body)).not.toContain('000000000');
    });

    it('should reject an unknown enum value in the variables, naming input.type', async () => {
      const { token } = await setup();
      const res = await expectRejected(CREATE, { input: { type: 'NOPE', openedOn: dutchToday(), subject: subjectInput() } }, token, 'input.type');
      expect(res.data ?? null).toBeNull();
    });

    it('should reject a first name of 101 characters', async () => {
      const { token } = await setup();
      await expectRejected(CREATE, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subjectInput({ firstName: 'A'.repeat(101) }) } }, token, 'input.subject.firstName');
    });

    it('should accept a first name of exactly 100 characters (the limit itself is allowed)', async () => {
      const { token } = await setup();
      const res = await app.gql('mutation($input: CreateDossierInput!) { createDossier(input: $input) { subject { firstName } } }', { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subjectInput({ firstName: 'A'.repeat(100) }) } }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data?.createDossier.subject.firstName).toBe('A'.repeat(100));
    });

    it('should reject a date of birth in the future', async () => {
      const { token } = await setup();
      await expectRejected(CREATE, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subjectInput({ dateOfBirth: addMonths(dutchToday(), 1) }) } }, token, 'input.subject.dateOfBirth');
    });

    it('should reject a malformed postal code', async () => {
      const { token } = await setup();
      for (const postalCode of ['0123 AB', '1234 ab', '12345', 'AB 1234']) {
        await expectRejected(CREATE, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subjectInput({ postalCode }) } }, token, 'input.subject.postalCode');
      }
    });

    it('should reject an explicit null for a person field the database requires', async () => {
      const { token } = await setup();
      await expectRejected(CREATE, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subjectInput({ gender: null }) } }, token, 'input.subject.gender');
      await expectRejected(CREATE, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: subjectInput({ addressConfidential: null }) } }, token, 'input.subject.addressConfidential');
    });
  });

  describe('addEntry', () => {
    it('should reject a text of 10001 characters', async () => {
      const { token, dossier } = await setup();
      await expectRejected(ADD_ENTRY, { input: { dossierId: dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text: 'x'.repeat(10001) } }, token, 'input.text');
    });

    it('should accept a text of exactly 10000 characters', async () => {
      const { token, dossier } = await setup();
      const res = await app.gql(ADD_ENTRY, { input: { dossierId: dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text: 'x'.repeat(10000) } }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data?.addEntry.id).toEqual(expect.any(String));
    });
  });

  describe('addFamilyMember', () => {
    it('should reject informedOfRegistration: false', async () => {
      const { token, dossier } = await setup();
      await expectRejected(
        ADD_FAMILY,
        { input: { dossierId: dossier.id, relation: 'MOTHER', hasCustody: true, informedOfRegistration: false, person: subjectInput({ dateOfBirth: '1980-01-01' }) } },
        token,
        'input.informedOfRegistration',
      );
    });

    it('should reject both a new person and a personId', async () => {
      const { token, org, dossier } = await setup();
      const existing = await aPerson().build(app.db.ds, org);
      await expectRejected(
        ADD_FAMILY,
        { input: { dossierId: dossier.id, relation: 'FATHER', hasCustody: false, informedOfRegistration: true, personId: existing.id, person: subjectInput({ dateOfBirth: '1980-01-01' }) } },
        token,
        /^input\.(person|personId)$/,
      );
    });

    it('should reject neither a new person nor a personId', async () => {
      const { token, dossier } = await setup();
      await expectRejected(ADD_FAMILY, { input: { dossierId: dossier.id, relation: 'FATHER', hasCustody: false, informedOfRegistration: true } }, token, /^input\.(person|personId)$/);
    });
  });

  describe('updateDossier and updatePerson', () => {
    it('should reject a closedOn before openedOn', async () => {
      const { adminToken, dossier } = await setup();
      const res = await expectRejected(UPDATE_DOSSIER, { input: { id: dossier.id, version: dossier.version, closedOn: addMonths(dossier.openedOn, -1), status: 'CLOSED' } }, adminToken, 'input.closedOn');
      const [row] = await app.db.ds.query('select status, closed_on, version from dossier where id = $1', [dossier.id]);
      expect(row).toEqual({ status: 'OPEN', closed_on: null, version: dossier.version });
      expect(res.data?.updateDossier ?? null).toBeNull();
    });

    it('should reject an explicit null for a dossier field the database requires', async () => {
      const { adminToken, dossier } = await setup();
      for (const field of ['type', 'status']) {
        await expectRejected(UPDATE_DOSSIER, { input: { id: dossier.id, version: dossier.version, [field]: null } }, adminToken, `input.${field}`);
      }
      const [row] = await app.db.ds.query('select version from dossier where id = $1', [dossier.id]);
      expect(row.version).toBe(dossier.version);
    });

    it('should reject an explicit null for a person field the database requires', async () => {
      const { token, dossier, subject } = await setup();
      for (const field of ['firstName', 'lastName', 'dateOfBirth', 'gender', 'addressConfidential']) {
        await expectRejected(UPDATE_PERSON, { input: { id: subject.id, dossierId: dossier.id, version: subject.version, [field]: null } }, token, `input.${field}`);
      }
      const [row] = await app.db.ds.query('select first_name, version from person where id = $1', [subject.id]);
      expect(row).toEqual({ first_name: subject.firstName, version: subject.version });
    });

    it('should reject an invalid BSN on updatePerson without echoing it', async () => {
      const { token, dossier, subject } = await setup();
      const bsn = invalidBsn();
      const res = await expectRejected(UPDATE_PERSON, { input: { id: subject.id, dossierId: dossier.id, version: subject.version, bsn } }, token, 'input.bsn');
      expect(JSON.stringify(res.response.body)).not.toContain(bsn);
      const [row] = await app.db.ds.query('select bsn from person where id = $1', [subject.id]);
      expect(row.bsn).toBe(subject.bsn);
    });
  });

  describe('pagination arguments', () => {
    it('should reject first: 0 and first: 1000 on dossiers, naming first', async () => {
      const { token } = await setup();
      for (const first of [0, 1000, -1, 101]) {
        const res = await expectRejected('query($first: Int!) { dossiers(first: $first) { edges { node { id } } } }', { first }, token, 'first');
        expect(res.data?.dossiers ?? null).toBeNull();
      }
    });

    it('should accept first: 1 and first: 100 (the bounds themselves)', async () => {
      const { token, dossier } = await setup();
      for (const first of [1, 100]) {
        const res = await app.gql('query($first: Int!) { dossiers(first: $first) { edges { node { id } } } }', { first }, token);
        expect(res.errors).toBeUndefined();
        expect(res.data?.dossiers.edges).toEqual([{ node: { id: dossier.id } }]);
      }
    });

    it('should reject a garbage after cursor on dossiers and on a nested list', async () => {
      const { token, dossier } = await setup();
      for (const after of ['garbage', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["x"]').toString('base64url'), 'x'.repeat(201)]) {
        await expectRejected('query($after: String) { dossiers(first: 5, after: $after) { edges { node { id } } } }', { after }, token, 'after');
      }
      const nested = await app.gql('query($id: ID!, $after: String) { dossier(id: $id) { id entries(after: $after) { edges { node { id } } } } }', { id: dossier.id, after: 'garbage' }, token);
      expect(nested.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: 'after' }]);
      expect(nested.data?.dossier).toEqual({ id: dossier.id, entries: null });
    });

    it('should reject first: 1000 on a nested list', async () => {
      const { token, dossier } = await setup();
      const res = await app.gql('query($id: ID!) { dossier(id: $id) { id entries(first: 1000) { edges { node { id } } } } }', { id: dossier.id }, token);
      expect(res.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: 'first' }]);
    });
  });

  describe('ids', () => {
    it('should answer a non-UUID dossier id with NOT_FOUND, the same as a missing one, not a server error', async () => {
      const { token } = await setup();
      const bad = await app.gql('query($id: ID!) { dossier(id: $id) { id } }', { id: 'abc' }, token);
      const missing = await app.gql('query($id: ID!) { dossier(id: $id) { id } }', { id: randomUUID() }, token);
      expect(bad.status).toBe(200);
      expect(bad.errors?.map((e) => [e.extensions.code, e.message])).toEqual(missing.errors?.map((e) => [e.extensions.code, e.message]));
      expect(bad.errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect(bad.data?.dossier).toBeNull();
    });

    it('should answer a non-UUID id in a mutation with NOT_FOUND and write nothing', async () => {
      const { token } = await setup();
      const before = await counts();
      const res = await app.gql(ADD_ENTRY, { input: { dossierId: "1' or '1'='1", kind: 'CONTACT', occurredOn: dutchToday(), text: 'x' } }, token);
      expect(res.errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect(await counts()).toEqual(before);
    });
  });
});
