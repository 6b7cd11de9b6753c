import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { statementCount } from '../../src/db/data-source';
import { FamilyMember, Person, SupportPlan } from '../../src/entities';
import { FamilyRelation } from '../../src/entities/enums';
import { createLoaders } from '../../src/services/loaders';
import { aDossier, anOrganisation, aPerson } from '../support/builders';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('per-request loaders', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  /** Two dossiers of one organisation (one with a plan and two relatives) and one of another. */
  async function twoOrganisations() {
    const [org, other] = [await anOrganisation(db.ds), await anOrganisation(db.ds)];
    const a = await aDossier().withSubject(aPerson().aged(9).confidentialAddress()).withParent(aPerson()).withRelative(aPerson().aged(6), FamilyRelation.SIBLING).withGoal('Naar school').build(db.ds, org);
    const b = await aDossier().build(db.ds, org);
    const elsewhere = await aDossier().withParent(aPerson()).withGoal('Elders').build(db.ds, other);
    return { org, a, b, elsewhere };
  }

  it('should give the same entities as TypeORM finds, column for column', async () => {
    const { org, a, b } = await twoOrganisations();
    const loaders = createLoaders(db.ds.manager, org.id);
    const ids = [a.subject.id, b.subject.id, ...a.relatives.map((r) => r.person.id)];
    const loaded = await Promise.all(ids.map((id) => loaders.person.load(id)));
    const found = await db.ds.getRepository(Person).findBy({ id: In(ids) });
    for (const person of loaded) {
      expect(person).toBeInstanceOf(Person);
      expect(person).toEqual(found.find((p) => p.id === person!.id));
    }
    // The types a resolver relies on: a date stays a calendar date, a flag a boolean, a version a number.
    expect(loaded[0]).toMatchObject({ dateOfBirth: a.subject.dateOfBirth, addressConfidential: true, version: expect.any(Number) });
    expect(loaded[0]!.updatedAt).toBeInstanceOf(Date);

    const [family, none] = await Promise.all([loaders.familyByDossier.load(a.dossier.id), loaders.familyByDossier.load(b.dossier.id)]);
    expect(family.map((m) => m.id).sort()).toEqual(a.relatives.map((r) => r.member.id).sort());
    expect(family[0]).toEqual(await db.ds.getRepository(FamilyMember).findOneBy({ id: family[0].id }));
    expect(none).toEqual([]);
    const plan = await loaders.planByDossier.load(a.dossier.id);
    expect(plan).toEqual(await db.ds.getRepository(SupportPlan).findOneBy({ dossierId: a.dossier.id }));
  });

  it("should not load another organisation's rows, even by their ids", async () => {
    const { org, a, elsewhere } = await twoOrganisations();
    const loaders = createLoaders(db.ds.manager, org.id);
    const [mine, theirs, unknown] = await Promise.all([a.subject.id, elsewhere.subject.id, randomUUID()].map((id) => loaders.person.load(id)));
    expect(mine?.id).toBe(a.subject.id);
    expect(theirs).toBeNull();
    expect(unknown).toBeNull();
    expect(await loaders.familyByDossier.load(elsewhere.dossier.id)).toEqual([]);
    expect(await loaders.planByDossier.load(elsewhere.dossier.id)).toBeNull();
    expect(await loaders.dossier.load(elsewhere.dossier.id)).toBeNull();
    // The other organisation's own loaders do see them: the rows exist, the filter is what hides them.
    expect((await createLoaders(db.ds.manager, elsewhere.dossier.organisationId).person.load(elsewhere.subject.id))?.id).toBe(elsewhere.subject.id);
  });

  it('should load a batch of keys in one statement', async () => {
    const { org, a, b } = await twoOrganisations();
    const loaders = createLoaders(db.ds.manager, org.id);
    const before = statementCount(db.ds);
    await Promise.all([a.subject.id, b.subject.id, ...a.relatives.map((r) => r.person.id)].map((id) => loaders.person.load(id)));
    expect(statementCount(db.ds) - before).toBe(1);
  });
});
