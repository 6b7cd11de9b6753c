import { AssignmentRole, StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

/** What a client is told about a denied field: null, and one FORBIDDEN error at each place it was asked for (SPEC §12). */
describe('denied fields in a response', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('should give every use of a denied field its own error with its path and location, and nothing else of the error', async () => {
    const org = await anOrganisation(app.db.ds);
    const expert = await aProfessional(app.db.ds, org);
    const worker = await aProfessional(app.db.ds, org);
    const { dossier, subject } = await aDossier().withAssignment(expert, AssignmentRole.BEHAVIOURAL_EXPERT).withAssignment(worker).build(app.db.ds, org);
    const token = await app.staffToken(org, StaffRole.BEHAVIOURAL_EXPERT, expert);
    // A behavioural expert reads identity but no contact data (§4): the phone number is denied, twice.
    const query = [
      'query($id: ID!) {',
      '  dossier(id: $id) {',
      '    subject { firstName phone }',
      '    again: subject { tel: phone }',
      '  }',
      '}',
    ].join('\n');
    const res = await app.gql(query, { id: dossier.id }, token);
    expect(res.data?.dossier).toEqual({ subject: { firstName: expect.any(String), phone: null }, again: { tel: null } });
    expect(res.errors).toEqual([
      { message: 'Not allowed to see Person.phone', locations: [{ line: 3, column: 25 }], path: ['dossier', 'subject', 'phone'], extensions: { code: 'FORBIDDEN' } },
      { message: 'Not allowed to see Person.phone', locations: [{ line: 4, column: 22 }], path: ['dossier', 'again', 'tel'], extensions: { code: 'FORBIDDEN' } },
    ]);
    // The care worker of the same dossier reads contact data: the same query, both uses answered, no error.
    const allowed = await app.gql(query, { id: dossier.id }, await app.staffToken(org, StaffRole.CARE_WORKER, worker));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.dossier).toEqual({ subject: { firstName: subject.firstName, phone: subject.phone }, again: { tel: subject.phone } });
  });
});
