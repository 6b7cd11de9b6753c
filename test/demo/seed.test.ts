import { DataSource } from 'typeorm';
import { DEMO_CLIENTS, DEMO_ORG_ID, DEMO_STAFF } from '../../src/demo/demo-users';
import { seedDemoData, testBsns } from '../../src/demo/seed';
import { Dossier, Entitlement, Entry, FamilyMember, Organisation, Person } from '../../src/entities';
import { HiddenFrom, StaffRole } from '../../src/entities/enums';
import { isValidBsn } from '../../src/schema/validators';
import { ageOn, dutchToday } from '../../src/util/dates';
import { startTestApp, TestApp } from '../support/test-app';

/** Row count of every application table. */
async function rowCounts(ds: DataSource): Promise<Record<string, number>> {
  const tables: { table_name: string }[] = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'kluis_migrations' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM "${table_name}"`);
    counts[table_name] = n;
  }
  return counts;
}

describe('the demo seed', () => {
  let app: TestApp;
  let ds: DataSource;
  let firstRun: boolean;
  let countsAfterFirstRun: Record<string, number>;
  beforeAll(async () => {
    app = await startTestApp();
    ds = app.db.ds;
    // The one seeding of this file's fresh database; every test below only reads it.
    expect(await ds.getRepository(Organisation).existsBy({ id: DEMO_ORG_ID })).toBe(false);
    firstRun = await seedDemoData(ds);
    countsAfterFirstRun = await rowCounts(ds);
  });
  afterAll(async () => {
    await app?.close();
  });

  const demoDossiers = () => ds.getRepository(Dossier).find({ where: { organisationId: DEMO_ORG_ID } });

  it('should load on a fresh database and report that it did', () => {
    expect(firstRun).toBe(true);
    expect(countsAfterFirstRun.organisation).toBe(1);
    expect(countsAfterFirstRun.dossier).toBe(3);
  });

  it('should do nothing on a second run and report that it did not load', async () => {
    expect(await seedDemoData(ds)).toBe(false);
    expect(await rowCounts(ds)).toEqual(countsAfterFirstRun);
  });

  it('should give every seeded person a BSN from the test range that passes the elfproef', async () => {
    const people = await ds.getRepository(Person).find({ where: { organisationId: DEMO_ORG_ID } });
    expect(people.length).toBeGreaterThanOrEqual(8);
    for (const p of people) {
      expect(p.bsn).not.toBeNull();
      expect(isValidBsn(p.bsn!)).toBe(true);
      expect(p.bsn!.startsWith('9999')).toBe(true);
    }
    expect(new Set(people.map((p) => p.bsn)).size).toBe(people.length);
  });

  it('should draw test BSNs that all pass the elfproef, in ascending order', () => {
    const gen = testBsns();
    const drawn = Array.from({ length: 20 }, () => gen.next().value as string);
    for (const bsn of drawn) expect(isValidBsn(bsn)).toBe(true);
    expect([...drawn].sort()).toEqual(drawn);
    expect(drawn[0].startsWith('99999')).toBe(true);
  });

  it('should make the three dossier subjects 9, 14 and 17 years old today', async () => {
    const today = dutchToday();
    const subjects = await Promise.all((await demoDossiers()).map((d) => ds.getRepository(Person).findOneByOrFail({ id: d.subjectId })));
    expect(subjects.map((s) => ageOn(s.dateOfBirth, today)).sort((a, b) => a - b)).toEqual([9, 14, 17]);
    const byId = new Map(subjects.map((s) => [s.id, s]));
    expect(ageOn(byId.get(DEMO_CLIENTS.child_12_15.personId)!.dateOfBirth, today)).toBe(14);
    expect(ageOn(byId.get(DEMO_CLIENTS.youth_16_plus.personId)!.dateOfBirth, today)).toBe(17);
  });

  it('should give each demo dossier a family member with custody, entries and an entitlement', async () => {
    const dossiers = await demoDossiers();
    expect(dossiers).toHaveLength(3);
    for (const d of dossiers) {
      const family = await ds.getRepository(FamilyMember).findBy({ dossierId: d.id });
      expect(family.some((m) => m.hasCustody)).toBe(true);
      expect(await ds.getRepository(Entry).countBy({ dossierId: d.id })).toBeGreaterThan(0);
      expect(await ds.getRepository(Entitlement).countBy({ dossierId: d.id })).toBeGreaterThan(0);
    }
  });

  it('should hide at least one entry from parents', async () => {
    const entries = await ds.getRepository(Entry).findBy({ organisationId: DEMO_ORG_ID });
    expect(entries.some((e) => e.hiddenFrom.includes(HiddenFrom.PARENTS))).toBe(true);
  });

  it('should make the demo parent a custodial parent of the 14-year-old with a confidential address', async () => {
    const parent = await ds.getRepository(Person).findOneByOrFail({ id: DEMO_CLIENTS.parent.personId });
    expect(parent.addressConfidential).toBe(true);
    const dossier = await ds.getRepository(Dossier).findOneByOrFail({ subjectId: DEMO_CLIENTS.child_12_15.personId });
    const membership = await ds.getRepository(FamilyMember).findOneByOrFail({ dossierId: dossier.id, personId: parent.id });
    expect(membership.hasCustody).toBe(true);
  });

  it('should let the demo care worker sign in and see the three demo dossiers', async () => {
    const token = await app.sign({ sub: DEMO_STAFF[StaffRole.CARE_WORKER].sub, role: StaffRole.CARE_WORKER, org: DEMO_ORG_ID, amr: ['pwd', 'otp'] });
    const res = await app.gql<{ dossiers: { edges: { node: { id: string } }[] } }>('{ dossiers(first: 10) { edges { node { id } } } }', {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data?.dossiers.edges.map((e) => e.node.id).sort()).toEqual((await demoDossiers()).map((d) => d.id).sort());
  });
});
