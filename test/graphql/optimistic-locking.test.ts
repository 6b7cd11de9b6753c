import { StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

const READ_DOSSIER = 'query($id: ID!) { dossier(id: $id) { id version verwijsindexSignalOn subject { id version firstName lastName } } }';
const UPDATE_DOSSIER = 'mutation($input: UpdateDossierInput!) { updateDossier(input: $input) { id version verwijsindexSignalOn } }';
const UPDATE_PERSON = 'mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { id version firstName lastName } }';

describe('optimistic locking', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** One dossier and two care workers of its care team, each with their own token (two clients). */
  async function twoClients() {
    const org = await anOrganisation(app.db.ds);
    const alice = await aProfessional(app.db.ds, org);
    const bob = await aProfessional(app.db.ds, org);
    const built = await aDossier().withSubject(aPerson().named('Emma', 'Mulder').aged(11)).withAssignment(alice).withAssignment(bob).build(app.db.ds, org);
    const tokens = { alice: await app.staffToken(org, StaffRole.CARE_WORKER, alice), bob: await app.staffToken(org, StaffRole.CARE_WORKER, bob) };
    return { org, ...built, tokens };
  }

  async function read(id: string, token: string) {
    const res = await app.gql(READ_DOSSIER, { id }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.dossier as { id: string; version: number; verwijsindexSignalOn: string | null; subject: { id: string; version: number; firstName: string; lastName: string } };
  }

  describe('updateDossier', () => {
    it('should apply the first update of version v and answer the second with CONFLICT, keeping the first change', async () => {
      const { dossier, tokens } = await twoClients();
      const a = await read(dossier.id, tokens.alice);
      const b = await read(dossier.id, tokens.bob);
      expect(b.version).toBe(a.version);
      const v = a.version;
      const aliceDate = addMonths(dutchToday(), -1);
      const bobDate = addMonths(dutchToday(), -2);

      const first = await app.gql(UPDATE_DOSSIER, { input: { id: dossier.id, version: v, verwijsindexSignalOn: aliceDate } }, tokens.alice);
      expect(first.errors).toBeUndefined();
      expect(first.data?.updateDossier).toEqual({ id: dossier.id, version: v + 1, verwijsindexSignalOn: aliceDate });

      const second = await app.gql(UPDATE_DOSSIER, { input: { id: dossier.id, version: v, verwijsindexSignalOn: bobDate } }, tokens.bob);
      expect(second.errors).toHaveLength(1);
      expect(second.errors![0].extensions.code).toBe('CONFLICT');
      expect(second.data?.updateDossier ?? null).toBeNull();

      const [row] = await app.db.ds.query('select version, verwijsindex_signal_on from dossier where id = $1', [dossier.id]);
      expect(row).toEqual({ version: v + 1, verwijsindex_signal_on: aliceDate });
      expect(await read(dossier.id, tokens.bob)).toMatchObject({ version: v + 1, verwijsindexSignalOn: aliceDate });
    });

    it('should accept the update with the current version after reloading', async () => {
      const { dossier, tokens } = await twoClients();
      const v = (await read(dossier.id, tokens.bob)).version;
      await app.gql(UPDATE_DOSSIER, { input: { id: dossier.id, version: v, verwijsindexSignalOn: addMonths(dutchToday(), -1) } }, tokens.alice);
      const stale = await app.gql(UPDATE_DOSSIER, { input: { id: dossier.id, version: v, verwijsindexSignalOn: null } }, tokens.bob);
      expect(stale.errors?.[0].extensions.code).toBe('CONFLICT');

      const reloaded = await read(dossier.id, tokens.bob);
      expect(reloaded.version).toBe(v + 1);
      const retry = await app.gql(UPDATE_DOSSIER, { input: { id: dossier.id, version: reloaded.version, verwijsindexSignalOn: null } }, tokens.bob);
      expect(retry.errors).toBeUndefined();
      expect(retry.data?.updateDossier).toEqual({ id: dossier.id, version: v + 2, verwijsindexSignalOn: null });
      const [row] = await app.db.ds.query('select version, verwijsindex_signal_on from dossier where id = $1', [dossier.id]);
      expect(row).toEqual({ version: v + 2, verwijsindex_signal_on: null });
    });

    it('should let exactly one of two simultaneous updates of the same version win', async () => {
      const { dossier, tokens } = await twoClients();
      const v = (await read(dossier.id, tokens.alice)).version;
      const dates = { alice: addMonths(dutchToday(), -1), bob: addMonths(dutchToday(), -3) };
      const [ra, rb] = await Promise.all([
        app.gql(UPDATE_DOSSIER, { input: { id: dossier.id, version: v, verwijsindexSignalOn: dates.alice } }, tokens.alice),
        app.gql(UPDATE_DOSSIER, { input: { id: dossier.id, version: v, verwijsindexSignalOn: dates.bob } }, tokens.bob),
      ]);
      const outcomes = [ra, rb].map((r) => r.errors?.[0].extensions.code ?? 'OK').sort();
      expect(outcomes).toEqual(['CONFLICT', 'OK']);
      const winner = ra.errors ? 'bob' : 'alice';
      const [row] = await app.db.ds.query('select version, verwijsindex_signal_on from dossier where id = $1', [dossier.id]);
      expect(row).toEqual({ version: v + 1, verwijsindex_signal_on: dates[winner] });
    });
  });

  describe('updatePerson', () => {
    it('should apply the first update of version v and answer the second with CONFLICT, keeping the first change', async () => {
      const { dossier, subject, tokens } = await twoClients();
      const a = (await read(dossier.id, tokens.alice)).subject;
      const b = (await read(dossier.id, tokens.bob)).subject;
      expect(b.version).toBe(a.version);
      const v = a.version;

      const first = await app.gql(UPDATE_PERSON, { input: { id: subject.id, dossierId: dossier.id, version: v, firstName: 'Emmy' } }, tokens.alice);
      expect(first.errors).toBeUndefined();
      expect(first.data?.updatePerson).toEqual({ id: subject.id, version: v + 1, firstName: 'Emmy', lastName: 'Mulder' });

      const second = await app.gql(UPDATE_PERSON, { input: { id: subject.id, dossierId: dossier.id, version: v, firstName: 'Emmanuelle', lastName: 'Mulder-Smit' } }, tokens.bob);
      expect(second.errors).toHaveLength(1);
      expect(second.errors![0].extensions.code).toBe('CONFLICT');
      expect(second.data?.updatePerson ?? null).toBeNull();

      const [row] = await app.db.ds.query('select version, first_name, last_name from person where id = $1', [subject.id]);
      expect(row).toEqual({ version: v + 1, first_name: 'Emmy', last_name: 'Mulder' });
    });

    it('should accept the update with the current version after reloading', async () => {
      const { dossier, subject, tokens } = await twoClients();
      const v = (await read(dossier.id, tokens.bob)).subject.version;
      await app.gql(UPDATE_PERSON, { input: { id: subject.id, dossierId: dossier.id, version: v, firstName: 'Emmy' } }, tokens.alice);
      const stale = await app.gql(UPDATE_PERSON, { input: { id: subject.id, dossierId: dossier.id, version: v, lastName: 'Smit' } }, tokens.bob);
      expect(stale.errors?.[0].extensions.code).toBe('CONFLICT');

      const reloaded = (await read(dossier.id, tokens.bob)).subject;
      expect(reloaded).toMatchObject({ version: v + 1, firstName: 'Emmy' });
      const retry = await app.gql(UPDATE_PERSON, { input: { id: subject.id, dossierId: dossier.id, version: reloaded.version, lastName: 'Smit' } }, tokens.bob);
      expect(retry.errors).toBeUndefined();
      expect(retry.data?.updatePerson).toEqual({ id: subject.id, version: v + 2, firstName: 'Emmy', lastName: 'Smit' });
      const [row] = await app.db.ds.query('select version, first_name, last_name from person where id = $1', [subject.id]);
      expect(row).toEqual({ version: v + 2, first_name: 'Emmy', last_name: 'Smit' });
    });

    it('should answer a version from the future with CONFLICT and change nothing', async () => {
      const { dossier, subject, tokens } = await twoClients();
      const res = await app.gql(UPDATE_PERSON, { input: { id: subject.id, dossierId: dossier.id, version: subject.version + 5, firstName: 'Later' } }, tokens.alice);
      expect(res.errors?.[0].extensions.code).toBe('CONFLICT');
      const [row] = await app.db.ds.query('select version, first_name from person where id = $1', [subject.id]);
      expect(row).toEqual({ version: subject.version, first_name: 'Emma' });
    });
  });
});
