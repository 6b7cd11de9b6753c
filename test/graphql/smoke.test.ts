import { StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

describe('a dossier query', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('should return the subject to a care worker of the organisation', async () => {
    const org = await anOrganisation(app.db.ds);
    const worker = await aProfessional(app.db.ds, org);
    const { dossier } = await aDossier().withSubject(aPerson().named('Lotte', 'Bakker').aged(14)).withAssignment(worker).build(app.db.ds, org);
    const res = await app.gql('query($id: ID!) { dossier(id: $id) { id subject { firstName lastName } } }', { id: dossier.id }, await app.staffToken(org, StaffRole.CARE_WORKER, worker));
    expect(res.errors).toBeUndefined();
    expect(res.data?.dossier).toEqual({ id: dossier.id, subject: { firstName: 'Lotte', lastName: 'Bakker' } });
  });
});
