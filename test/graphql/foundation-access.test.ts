import { randomUUID } from 'node:crypto';
import { AssignmentRole, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional, randomBsn } from '../support/builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const DOSSIER = 'query($id: ID!) { dossier(id: $id) { id subject { firstName bsn } entries { edges { node { text } } } } }';
const DOSSIERS = 'query { dossiers(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }';
const ADD_ENTRY = 'mutation($input: AddEntryInput!) { addEntry(input: $input) { id } }';
const CREATE = 'mutation($input: CreateDossierInput!) { createDossier(input: $input) { id } }';

const codes = (res: GqlResult) => res.errors?.map((e) => e.extensions.code);
const entryInput = (dossierId: string) => ({ dossierId, kind: 'CONTACT', occurredOn: dutchToday(), text: `Notitie ${randomUUID()}` });
const createInput = () => ({
  type: 'YOUTH_CARE', openedOn: dutchToday(),
  subject: { firstName: 'Finn', lastName: 'Kok', dateOfBirth: addMonths(dutchToday(), -(9 * 12 + 5)), bsn: randomBsn() },
});

describe('foundation access gate', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  async function rowCount(table: string, where = 'true', params: unknown[] = []): Promise<number> {
    return (await app.db.ds.query(`select count(*)::int as n from ${table} where ${where}`, params))[0].n;
  }

  /** Organisation A with an assigned care worker and a dossier; organisation B likewise. */
  async function twoOrganisations() {
    const orgA = await anOrganisation(app.db.ds);
    const orgB = await anOrganisation(app.db.ds);
    const workerA = await aProfessional(app.db.ds, orgA);
    const workerB = await aProfessional(app.db.ds, orgB);
    const a = await aDossier().withParent().withEntries(2, workerA.id).withAssignment(workerA).build(app.db.ds, orgA);
    const b = await aDossier().withEntries(1, workerB.id).withAssignment(workerB).build(app.db.ds, orgB);
    return {
      orgA, orgB, workerA, workerB, a, b,
      tokenA: await app.staffToken(orgA, StaffRole.CARE_WORKER, workerA),
      tokenB: await app.staffToken(orgB, StaffRole.CARE_WORKER, workerB),
    };
  }

  describe('between organisations', () => {
    it('should answer another organisation’s dossier exactly like a dossier that does not exist', async () => {
      const { a, tokenA, tokenB } = await twoOrganisations();
      const own = await app.gql(DOSSIER, { id: a.dossier.id }, tokenA);
      expect(own.errors).toBeUndefined();
      expect(own.data?.dossier.id).toBe(a.dossier.id);

      const foreign = await app.gql(DOSSIER, { id: a.dossier.id }, tokenB);
      const missing = await app.gql(DOSSIER, { id: randomUUID() }, tokenB);
      expect(codes(foreign)).toEqual(['NOT_FOUND']);
      expect(foreign.data?.dossier ?? null).toBeNull();
      expect(foreign.status).toBe(missing.status);
      expect(foreign.errors!.map((e) => [e.extensions, e.message, e.path])).toEqual(missing.errors!.map((e) => [e.extensions, e.message, e.path]));
      expect(JSON.stringify(foreign.response.body)).not.toContain(a.subject.firstName);
    });

    it('should never list another organisation’s dossiers', async () => {
      const { a, b, tokenA, tokenB } = await twoOrganisations();
      const listB = await app.gql(DOSSIERS, {}, tokenB);
      expect(listB.errors).toBeUndefined();
      expect(listB.data?.dossiers.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([b.dossier.id]);
      const listA = await app.gql(DOSSIERS, {}, tokenA);
      expect(listA.data?.dossiers.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([a.dossier.id]);
    });

    it('should not open a dossier to a professional of another organisation even with an assignment row naming them', async () => {
      const { orgA, workerB, tokenB } = await twoOrganisations();
      const { dossier } = await aDossier().withAssignment(workerB).build(app.db.ds, orgA);
      const res = await app.gql(DOSSIER, { id: dossier.id }, tokenB);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      const list = await app.gql(DOSSIERS, {}, tokenB);
      expect(list.data?.dossiers.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(dossier.id);
    });

    it('should answer a write to another organisation’s dossier with NOT_FOUND and write nothing', async () => {
      const { a, tokenB } = await twoOrganisations();
      const entriesBefore = await rowCount('entry');
      const res = await app.gql(ADD_ENTRY, { input: entryInput(a.dossier.id) }, tokenB);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(res.data?.addEntry ?? null).toBeNull();
      expect(await rowCount('entry')).toBe(entriesBefore);
      expect(await rowCount('entry', 'dossier_id = $1', [a.dossier.id])).toBe(2);
      const [row] = await app.db.ds.query('select last_contact_on, version from dossier where id = $1', [a.dossier.id]);
      expect(row).toEqual({ last_contact_on: null, version: a.dossier.version });
    });

    it('should answer writes to another organisation’s family member and person with NOT_FOUND and leave them unchanged', async () => {
      const { a, b, tokenB } = await twoOrganisations();
      const member = a.relatives[0].member;
      const update = await app.gql('mutation($input: UpdateFamilyMemberInput!) { updateFamilyMember(input: $input) { id } }', { input: { id: member.id, hasCustody: !member.hasCustody } }, tokenB);
      expect(codes(update)).toEqual(['NOT_FOUND']);
      const remove = await app.gql('mutation($id: ID!) { removeFamilyMember(id: $id) }', { id: member.id }, tokenB);
      expect(codes(remove)).toEqual(['NOT_FOUND']);
      const [m] = await app.db.ds.query('select has_custody from family_member where id = $1', [member.id]);
      expect(m).toEqual({ has_custody: member.hasCustody });

      // A's subject edited "through" B's own dossier: the person is not in it.
      const person = await app.gql(
        'mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { id } }',
        { input: { id: a.subject.id, dossierId: b.dossier.id, version: a.subject.version, firstName: 'Overgenomen' } },
        tokenB,
      );
      expect(codes(person)).toEqual(['NOT_FOUND']);
      const [p] = await app.db.ds.query('select first_name, version from person where id = $1', [a.subject.id]);
      expect(p).toEqual({ first_name: a.subject.firstName, version: a.subject.version });
    });

    it('should not let a professional add another organisation’s person as a family member', async () => {
      const { a, b, tokenB } = await twoOrganisations();
      const res = await app.gql(
        'mutation($input: AddFamilyMemberInput!) { addFamilyMember(input: $input) { id person { firstName } } }',
        { input: { dossierId: b.dossier.id, relation: 'MOTHER', hasCustody: true, informedOfRegistration: true, personId: a.relatives[0].person.id } },
        tokenB,
      );
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(await rowCount('family_member', 'dossier_id = $1', [b.dossier.id])).toBe(0);
    });
  });

  describe('clients and partners', () => {
    it('should give a client NOT_FOUND for a dossier, an empty list and no writes', async () => {
      const { orgA, a } = await twoOrganisations();
      // A person of the organisation with no relationship to the dossier.
      const client = await aPerson().aged(30).build(app.db.ds, orgA);
      const token = await app.clientToken(client);

      const one = await app.gql(DOSSIER, { id: a.dossier.id }, token);
      expect(codes(one)).toEqual(['NOT_FOUND']);
      expect(one.data?.dossier ?? null).toBeNull();
      const list = await app.gql(DOSSIERS, {}, token);
      expect(list.errors).toBeUndefined();
      expect(list.data?.dossiers).toEqual({ edges: [], pageInfo: { hasNextPage: false } });

      const entriesBefore = await rowCount('entry');
      const write = await app.gql(ADD_ENTRY, { input: entryInput(a.dossier.id) }, token);
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codes(write)?.[0]);
      expect(write.data?.addEntry ?? null).toBeNull();
      const create = await app.gql(CREATE, { input: createInput() }, token);
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codes(create)?.[0]);
      expect(await rowCount('entry')).toBe(entriesBefore);
      expect(await rowCount('dossier', 'organisation_id = $1', [orgA.id])).toBe(1);
    });

    it('should give a partner NOT_FOUND for a dossier, an empty list and no writes', async () => {
      const { orgA, a } = await twoOrganisations();
      for (const scope of ['verwijsindex', 'consented']) {
        // The dossier has no verwijsindex signal and no consent: no scope reaches it.
        const token = await app.partnerToken(orgA, scope);
        const one = await app.gql(DOSSIER, { id: a.dossier.id }, token);
        expect(codes(one)).toEqual(['NOT_FOUND']);
        const list = await app.gql(DOSSIERS, {}, token);
        expect(list.errors).toBeUndefined();
        expect(list.data?.dossiers).toEqual({ edges: [], pageInfo: { hasNextPage: false } });

        const entriesBefore = await rowCount('entry');
        const write = await app.gql(ADD_ENTRY, { input: entryInput(a.dossier.id) }, token);
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codes(write)?.[0]);
        const create = await app.gql(CREATE, { input: createInput() }, token);
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codes(create)?.[0]);
        expect(await rowCount('entry')).toBe(entriesBefore);
        expect(await rowCount('dossier', 'organisation_id = $1', [orgA.id])).toBe(1);
      }
    });
  });

  describe('anonymous', () => {
    it('should answer every dossier query and mutation without a token with UNAUTHENTICATED', async () => {
      const { a } = await twoOrganisations();
      const one = await app.gql(DOSSIER, { id: a.dossier.id });
      expect(codes(one)).toEqual(['UNAUTHENTICATED']);
      expect(one.data?.dossier ?? null).toBeNull();
      const list = await app.gql(DOSSIERS, {});
      expect(codes(list)).toEqual(['UNAUTHENTICATED']);
      expect(list.data?.dossiers ?? null).toBeNull();

      const entriesBefore = await rowCount('entry');
      const write = await app.gql(ADD_ENTRY, { input: entryInput(a.dossier.id) });
      expect(codes(write)).toEqual(['UNAUTHENTICATED']);
      const create = await app.gql(CREATE, { input: createInput() });
      expect(codes(create)).toEqual(['UNAUTHENTICATED']);
      expect(await rowCount('entry')).toBe(entriesBefore);
      expect(JSON.stringify(one.response.body)).not.toContain(a.subject.firstName);
    });
  });

  describe('staff roles', () => {
    it('should forbid a behavioural expert to create a dossier and write nothing', async () => {
      const org = await anOrganisation(app.db.ds);
      const expert = await aProfessional(app.db.ds, org);
      const before = { dossier: await rowCount('dossier'), person: await rowCount('person'), assignment: await rowCount('care_team_assignment') };
      const res = await app.gql(CREATE, { input: createInput() }, await app.staffToken(org, StaffRole.BEHAVIOURAL_EXPERT, expert));
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.data?.createDossier ?? null).toBeNull();
      expect({ dossier: await rowCount('dossier'), person: await rowCount('person'), assignment: await rowCount('care_team_assignment') }).toEqual(before);
    });

    it('should let admin support create a dossier and be assigned to it as ADMIN_SUPPORT', async () => {
      const org = await anOrganisation(app.db.ds);
      const admin = await aProfessional(app.db.ds, org);
      const res = await app.gql(CREATE, { input: createInput() }, await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin));
      expect(res.errors).toBeUndefined();
      const rows = await app.db.ds.query('select professional_id, role, valid_until from care_team_assignment where dossier_id = $1', [res.data!.createDossier.id]);
      expect(rows).toEqual([{ professional_id: admin.id, role: AssignmentRole.ADMIN_SUPPORT, valid_until: null }]);
    });

    it('should forbid admin support to assign itself and write no assignment', async () => {
      const org = await anOrganisation(app.db.ds);
      const admin = await aProfessional(app.db.ds, org);
      const worker = await aProfessional(app.db.ds, org);
      const colleague = await aProfessional(app.db.ds, org);
      const { dossier } = await aDossier().withAssignment(worker).withAssignment(admin, AssignmentRole.ADMIN_SUPPORT).build(app.db.ds, org);
      const token = await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin);
      const ASSIGN = 'mutation($input: AssignCareTeamMemberInput!) { assignCareTeamMember(input: $input) { id } }';

      for (const role of ['CARE_WORKER', 'ADMIN_SUPPORT']) {
        const res = await app.gql(ASSIGN, { input: { dossierId: dossier.id, professionalId: admin.id, role } }, token);
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.data?.assignCareTeamMember ?? null).toBeNull();
      }
      expect(await rowCount('care_team_assignment', 'dossier_id = $1 and professional_id = $2', [dossier.id, admin.id])).toBe(1);

      // The same admin may assign someone else: the refusal is about self-assignment only.
      const other = await app.gql(ASSIGN, { input: { dossierId: dossier.id, professionalId: colleague.id, role: 'CARE_WORKER' } }, token);
      expect(other.errors).toBeUndefined();
      expect(await rowCount('care_team_assignment', 'dossier_id = $1 and professional_id = $2', [dossier.id, colleague.id])).toBe(1);
    });
  });
});
