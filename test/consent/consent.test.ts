import { randomUUID } from 'node:crypto';
import { CareTeamAssignment, Organisation, Person, Professional } from '../../src/entities';
import { AssignmentRole, Category, ConsentSigners, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { eventsOf } from '../support/access-log';
import { aDossier, anOrganisation, aPerson, aProfessional, BuiltDossier } from '../support/builders';
import { codes, rowCount } from '../support/scenario-builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const GIVE = `mutation Give($input: GiveConsentInput!) {
  giveConsent(input: $input) { id status awaitingSignature signedBy { personId capacity } }
}`;
const CO_SIGN = 'mutation CoSign($id: ID!) { coSignConsent(id: $id) { id status awaitingSignature } }';
const WITHDRAW = 'mutation Withdraw($id: ID!) { withdrawConsent(id: $id) { id status withdrawnAt } }';
const RECORD = `mutation Record($input: RecordDisclosureInput!) {
  recordDisclosure(input: $input) { id legalBasis consultedColleagueRole categories }
}`;
const PARTNER_READ = 'query PartnerRead($id: ID!) { dossier(id: $id) { id subject { firstName } entries { edges { node { text } } } } }';
const CONSENTS = 'query Consents($id: ID!) { dossier(id: $id) { consents { edges { node { id status consumedAt } } } disclosures { edges { node { legalBasis consentId categories recipientClientId legalDuty } } } } }';

interface Family {
  org: Organisation;
  worker: Professional;
  built: BuiltDossier;
  subject: Person;
  mother: Person;
  father: Person;
  careToken: string;
  clientId: string;
}

describe('consent and disclosures (SPEC §7)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  /** A child of `years` (and `months`) with a mother and a father — both with custody unless told — and a care worker. */
  async function family(years: number, { months = 3, fatherCustody = true } = {}): Promise<Family> {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const built = await aDossier()
      .withSubject(aPerson().aged(years, months))
      .withParent(aPerson())
      .withParent(aPerson(), { custody: fatherCustody })
      .withAssignment(worker)
      .withEntries(1, worker.id)
      .build(ds, org);
    return {
      org, worker, built, subject: built.subject, mother: built.relatives[0].person, father: built.relatives[1].person,
      careToken: await app.staffToken(org, StaffRole.CARE_WORKER, worker), clientId: `jgz-${randomUUID()}`,
    };
  }

  /** Puts another professional on the family's care team, from yesterday. */
  const assign = (f: Family, who: Professional, role: AssignmentRole) =>
    app.db.ds.getRepository(CareTeamAssignment).insert({
      organisationId: f.org.id, dossierId: f.built.dossier.id, professionalId: who.id, role, validFrom: new Date(Date.now() - 86400_000), validUntil: null,
    });

  const consentInput = (f: Family, extra: Record<string, unknown> = {}) => ({
    dossierId: f.built.dossier.id, recipientName: 'Jeugdgezondheidszorg', recipientClientId: f.clientId, purpose: 'Afstemming van de zorg',
    categories: [Category.IDENTITY, Category.CARE], scope: 'PERIOD', validUntil: addMonths(dutchToday(), 3), method: 'WRITTEN', ...extra,
  });
  const give = (f: Family, signedBy: Person[], extra: Record<string, unknown> = {}, token = f.careToken) =>
    app.gql(GIVE, { input: consentInput(f, { signedBy: signedBy.map((p) => p.id), ...extra }) }, token);
  const consentsOf = (f: Family) => rowCount(app.db.ds, 'consent', 'dossier_id = $1', [f.built.dossier.id]);
  const partnerRead = async (f: Family) => app.gql(PARTNER_READ, { id: f.built.dossier.id }, await app.partnerToken(f.org, 'consented', f.clientId));

  function expectRefused(res: GqlResult, message: RegExp) {
    expect(res.data?.giveConsent ?? null).toBeNull();
    expect(res.errors?.map((e) => [e.extensions.code, e.extensions.field])).toEqual([['BAD_USER_INPUT', 'input.signedBy']]);
    expect(res.errors?.[0].message).toMatch(message);
  }

  function expectReadServed(res: GqlResult, f: Family) {
    expect(res.errors).toBeUndefined();
    expect(res.data?.dossier.subject.firstName).toBe(f.subject.firstName);
    expect(res.data?.dossier.entries.edges[0].node.text).toBe(f.built.entries[0].text);
  }

  describe('who must sign, by the subject’s age on the day it is given', () => {
    it('should accept a consent for an 11-year-old signed by one parent with custody, and refuse one by the child alone', async () => {
      const f = await family(11);
      const ok = await give(f, [f.mother]);
      expect(ok.errors).toBeUndefined();
      expect(ok.data?.giveConsent).toMatchObject({ status: 'ACTIVE', awaitingSignature: null, signedBy: [{ personId: f.mother.id, capacity: 'PARENT_WITH_CUSTODY' }] });

      const f2 = await family(11);
      expectRefused(await give(f2, [f2.subject]), /child under 12 cannot give consent; a parent with custody must/);
      expect(await consentsOf(f2)).toBe(0);
    });

    it('should need every custodian for a child under 12 when the organisation says so', async () => {
      const f = await family(9);
      await app.db.ds.query('UPDATE organisation SET consent_signers_under12 = $2 WHERE organisation_id = $1', [f.org.id, ConsentSigners.ALL]);
      expectRefused(await give(f, [f.mother]), /missing signer: every parent with custody must sign/);
      expect(await consentsOf(f)).toBe(0);
      expect((await give(f, [f.mother, f.father])).data?.giveConsent.status).toBe('ACTIVE');
    });

    it('should need a parent and the child for a 14-year-old: both accepted, either alone refused naming the other', async () => {
      const f = await family(14);
      expectRefused(await give(f, [f.mother]), /missing signer: the child \(12 to 15\) must also sign/);
      expectRefused(await give(f, [f.subject]), /missing signer: a parent with custody must also sign/);
      expect(await consentsOf(f)).toBe(0);
      const both = await give(f, [f.mother, f.subject]);
      expect(both.errors).toBeUndefined();
      expect(both.data?.giveConsent.status).toBe('ACTIVE');
      expect(both.data?.giveConsent.signedBy.map((s: { capacity: string }) => s.capacity).sort()).toEqual(['PARENT_WITH_CUSTODY', 'SUBJECT']);
    });

    it('should let a 17-year-old consent alone, and refuse a parent signing for them', async () => {
      const f = await family(17);
      expectRefused(await give(f, [f.mother]), /youth of 16 or older gives consent alone/);
      expectRefused(await give(f, [f.mother, f.subject]), /youth of 16 or older gives consent alone/);
      expect(await consentsOf(f)).toBe(0);
      expect((await give(f, [f.subject])).data?.giveConsent.status).toBe('ACTIVE');
    });

    it('should judge a consent given at 15 by the rules of that day: parent and child then, even though the youth is 16 now', async () => {
      // 16 years and 2 months old today: four months ago, the youth was 15.
      const f = await family(16, { months: 2 });
      const atFifteen = new Date(Date.now() - 120 * 86400_000).toISOString();
      expectRefused(await give(f, [f.subject], { givenAt: atFifteen }), /missing signer: a parent with custody must also sign/);
      expect(await consentsOf(f)).toBe(0);
      const then = await give(f, [f.mother, f.subject], { givenAt: atFifteen });
      expect(then.errors).toBeUndefined();
      expect(then.data?.giveConsent.status).toBe('ACTIVE');
      // It stays valid after the 16th birthday: the partner reads under it.
      expectReadServed(await partnerRead(f), f);
      // Given today, the same youth consents alone.
      expect((await give(f, [f.subject], { recipientClientId: `other-${randomUUID()}` })).data?.giveConsent.status).toBe('ACTIVE');
    });

    it('should refuse a consent signed by a parent without custody, and accept the parent with custody', async () => {
      const f = await family(10, { fatherCustody: false });
      expectRefused(await give(f, [f.father]), /has no custody/);
      expect(await consentsOf(f)).toBe(0);
      expect((await give(f, [f.mother])).data?.giveConsent.status).toBe('ACTIVE');
    });

    it('should re-check custody at every use: a partner reads while the signing parent has custody, not after it is lost', async () => {
      const f = await family(10);
      expect((await give(f, [f.mother])).data?.giveConsent.status).toBe('ACTIVE');
      expectReadServed(await partnerRead(f), f);
      await app.db.ds.query('UPDATE family_member SET has_custody = false WHERE dossier_id = $1 AND person_id = $2', [f.built.dossier.id, f.mother.id]);
      const after = await partnerRead(f);
      expect(after.data?.dossier ?? null).toBeNull();
      expect(codes(after)).toEqual(['CONSENT_REQUIRED']);
    });

    it('should reject invalid consent content with the field named and write nothing', async () => {
      const f = await family(17);
      const cases: [Record<string, unknown>, string][] = [
        [{ categories: [Category.WORK_NOTES] }, 'input.categories'],
        [{ categories: [] }, 'input.categories'],
        [{ validUntil: null }, 'input.validUntil'],
        [{ validFrom: addMonths(dutchToday(), 2), validUntil: addMonths(dutchToday(), 1) }, 'input.validUntil'],
        [{ givenAt: new Date(Date.now() + 86400_000).toISOString() }, 'input.givenAt'],
        [{ kind: 'PARENTAL_ACCESS', recipientPersonId: randomUUID(), categories: undefined, recipientClientId: undefined }, 'input.recipientPersonId'],
        [{ signedBy: undefined }, 'input.signedBy'],
      ];
      for (const [extra, field] of cases) {
        const res = await app.gql(GIVE, { input: consentInput(f, { signedBy: [f.subject.id], ...extra }) }, f.careToken);
        expect({ extra, errors: res.errors?.map((e) => [e.extensions.code, e.extensions.field]) }).toEqual({ extra, errors: [['BAD_USER_INPUT', field]] });
      }
      expect(await consentsOf(f)).toBe(0);
    });
  });

  describe('clients give, co-sign and withdraw', () => {
    it('should let a parent give a consent for a 14-year-old that waits for the child’s co-signature before a partner can read', async () => {
      const f = await family(14);
      const given = await app.gql(GIVE, { input: consentInput(f) }, await app.clientToken(f.mother));
      expect(given.errors).toBeUndefined();
      expect(given.data?.giveConsent).toMatchObject({ status: 'AWAITING_SIGNATURE', awaitingSignature: 'SUBJECT' });
      expect(codes(await partnerRead(f))).toEqual(['CONSENT_REQUIRED']);

      // The father cannot complete it: the child's signature is the one missing.
      const id = given.data?.giveConsent.id;
      expect((await app.gql(CO_SIGN, { id }, await app.clientToken(f.father))).data?.coSignConsent.status).toBe('AWAITING_SIGNATURE');
      const cosigned = await app.gql(CO_SIGN, { id }, await app.clientToken(f.subject));
      expect(cosigned.errors).toBeUndefined();
      expect(cosigned.data?.coSignConsent).toMatchObject({ status: 'ACTIVE', awaitingSignature: null });
      expectReadServed(await partnerRead(f), f);
    });

    it('should not let a child of 12–15 or a behavioural expert give a consent, and write nothing', async () => {
      const f = await family(14);
      const expert = await aProfessional(app.db.ds, f.org);
      await assign(f, expert, AssignmentRole.BEHAVIOURAL_EXPERT);
      const childToken = await app.clientToken(f.subject);
      // myAccess tells the child's screen beforehand: co-sign only, and relatives by name only.
      const access = await app.gql('query A($id: ID!) { dossier(id: $id) { myAccess { reaches { category read write } } } }', { id: f.built.dossier.id }, childToken);
      expect(access.data?.dossier.myAccess.reaches).toEqual(expect.arrayContaining([
        { category: Category.CONSENT, read: 'all', write: 'coSign' }, { category: Category.FAMILY, read: 'namesOnly', write: null },
      ]));
      const child = await app.gql(GIVE, { input: consentInput(f) }, childToken);
      expect(codes(child)).toEqual(['FORBIDDEN']);
      const byExpert = await give(f, [f.mother, f.subject], {}, await app.staffToken(f.org, StaffRole.BEHAVIOURAL_EXPERT, expert));
      expect(codes(byExpert)).toEqual(['FORBIDDEN']);
      expect(await consentsOf(f)).toBe(0);
    });

    it('should let a youth of 16+ give PARENTAL_ACCESS so a parent keeps reading, and take it back', async () => {
      const f = await family(16);
      const youth = await app.clientToken(f.subject);
      const motherToken = await app.clientToken(f.mother);
      const read = () => app.gql('query R($id: ID!) { dossier(id: $id) { id myAccess { relationships } } }', { id: f.built.dossier.id }, motherToken);
      expect(codes(await read())).toEqual(['NOT_FOUND']);
      const given = await app.gql(GIVE, {
        input: { dossierId: f.built.dossier.id, kind: 'PARENTAL_ACCESS', recipientName: 'Moeder', recipientPersonId: f.mother.id, purpose: 'Moeder blijft meelezen', scope: 'PERIOD', method: 'THREE_WAY_CONVERSATION' },
      }, youth);
      expect(given.errors).toBeUndefined();
      expect(given.data?.giveConsent.status).toBe('ACTIVE');
      expect((await read()).data?.dossier.myAccess.relationships).toEqual(['parent']);

      const withdrawn = await app.gql(WITHDRAW, { id: given.data?.giveConsent.id }, youth);
      expect(withdrawn.data?.withdrawConsent.status).toBe('WITHDRAWN');
      expect(codes(await read())).toEqual(['NOT_FOUND']);
    });
  });

  describe('partner reads under a consent', () => {
    it('should stop the partner’s next read once the consent is withdrawn: CONSENT_REQUIRED, logged as denied', async () => {
      const f = await family(17);
      const consentId = (await give(f, [f.subject])).data?.giveConsent.id;
      expectReadServed(await partnerRead(f), f);

      const withdrawn = await app.gql(WITHDRAW, { id: consentId }, f.careToken);
      expect(withdrawn.data?.withdrawConsent.status).toBe('WITHDRAWN');
      const refused = await partnerRead(f);
      expect(refused.data?.dossier ?? null).toBeNull();
      expect(codes(refused)).toEqual(['CONSENT_REQUIRED']);
      expect(refused.response.text).not.toContain(f.subject.firstName);
      const [event] = await eventsOf(app.db.ds, refused);
      expect(event).toMatchObject({ dossier_id: f.built.dossier.id, outcome: 'DENIED', check_consent: false, granted_fields: [] });
    });

    it('should answer NOT_FOUND, not CONSENT_REQUIRED, to a partner that never had a consent for the dossier', async () => {
      const f = await family(17);
      await give(f, [f.subject]);
      const stranger = await app.gql(PARTNER_READ, { id: f.built.dossier.id }, await app.partnerToken(f.org, 'consented', `stranger-${randomUUID()}`));
      expect(codes(stranger)).toEqual(['NOT_FOUND']);
    });

    it('should record a CONSENT disclosure per read with the categories given, and use up a SINGLE_EXCHANGE consent', async () => {
      const f = await family(17);
      const consentId = (await give(f, [f.subject], { scope: 'SINGLE_EXCHANGE', validUntil: undefined })).data?.giveConsent.id;
      expectReadServed(await partnerRead(f), f);
      const second = await partnerRead(f);
      expect(codes(second)).toEqual(['CONSENT_REQUIRED']);

      const seen = (await app.gql(CONSENTS, { id: f.built.dossier.id }, f.careToken)).data?.dossier;
      expect(seen.consents.edges[0].node).toMatchObject({ id: consentId, status: 'CONSUMED' });
      expect(seen.disclosures.edges.map((e: { node: unknown }) => e.node)).toEqual([
        { legalBasis: 'CONSENT', consentId, categories: [Category.CARE, Category.IDENTITY], recipientClientId: f.clientId, legalDuty: null },
      ]);
    });

    it('should record a LEGAL_DUTY disclosure for a municipality read, and none for a staff read', async () => {
      const f = await family(12);
      await app.db.ds.query(`INSERT INTO entitlement (organisation_id, dossier_id, municipality, decision_number, product, valid_from) VALUES ($1, $2, 'Utrecht', $3, 'Ambulant', $4)`,
        [f.org.id, f.built.dossier.id, `B-${randomUUID().slice(0, 8)}`, addMonths(dutchToday(), -1)]);
      await app.gql(PARTNER_READ, { id: f.built.dossier.id }, f.careToken);
      expect(await rowCount(app.db.ds, 'disclosure', 'dossier_id = $1', [f.built.dossier.id])).toBe(0);
      const municipality = await app.gql('query M($id: ID!) { dossier(id: $id) { id subject { firstName bsn } entitlements { edges { node { product } } } } }',
        { id: f.built.dossier.id }, await app.partnerToken(f.org, 'municipality', 'gemeente-utrecht'));
      expect(municipality.errors).toBeUndefined();
      const rows = await app.db.ds.query('SELECT legal_basis, legal_duty, categories, recipient_client_id FROM disclosure WHERE dossier_id = $1', [f.built.dossier.id]);
      expect(rows).toEqual([{
        legal_basis: 'LEGAL_DUTY', legal_duty: expect.stringMatching(/Jeugdwet/), recipient_client_id: 'gemeente-utrecht',
        categories: [Category.ENTITLEMENT, Category.IDENTIFIERS, Category.IDENTITY],
      }]);
    });
  });

  describe('who sees the disclosures (CONSENT)', () => {
    const DISCLOSURES = `query D($id: ID!) { dossier(id: $id) { id
      disclosures { edges { node { legalBasis recipientName } } }
      aliased: disclosures { edges { node { ...Seen } } }
    } }
    fragment Seen on Disclosure { consultedColleagueRole }`;

    it('should show them to the care worker and the parent, and withhold them from a partner, also under an alias and in a fragment', async () => {
      const f = await family(10);
      await app.gql(RECORD, { input: {
        dossierId: f.built.dossier.id, recipientName: 'Veilig Thuis', categories: [Category.CARE], legalBasis: 'SAFETY', safetyReason: 'Zorgen',
        consultedColleagueRole: 'aandachtsfunctionaris', clientInformed: true, clientInformedHow: 'Gesprek', clientInformedAt: new Date().toISOString(),
      } }, f.careToken);
      for (const token of [f.careToken, await app.clientToken(f.mother)]) {
        const res = await app.gql(DISCLOSURES, { id: f.built.dossier.id }, token);
        expect(res.errors).toBeUndefined();
        expect(res.data?.dossier.disclosures.edges).toEqual([{ node: { legalBasis: 'SAFETY', recipientName: 'Veilig Thuis' } }]);
        expect(res.data?.dossier.aliased.edges).toEqual([{ node: { consultedColleagueRole: 'aandachtsfunctionaris' } }]);
      }
      await app.db.ds.query(`INSERT INTO entitlement (organisation_id, dossier_id, municipality, decision_number, product, valid_from) VALUES ($1, $2, 'Utrecht', $3, 'Ambulant', $4)`,
        [f.org.id, f.built.dossier.id, `B-${randomUUID().slice(0, 8)}`, addMonths(dutchToday(), -1)]);
      const partner = await app.gql(DISCLOSURES, { id: f.built.dossier.id }, await app.partnerToken(f.org, 'municipality', 'gemeente-utrecht'));
      expect(partner.data?.dossier).toEqual({ id: f.built.dossier.id, disclosures: null, aliased: null });
      expect(partner.errors?.map((e) => [e.extensions.code, e.path?.join('.')]).sort()).toEqual([['FORBIDDEN', 'dossier.aliased'], ['FORBIDDEN', 'dossier.disclosures']]);
      expect(partner.response.text).not.toContain('Veilig Thuis');
    });
  });

  describe('disclosures recorded by the care team', () => {
    const safety = (f: Family, extra: Record<string, unknown> = {}) => ({
      dossierId: f.built.dossier.id, recipientName: 'Veilig Thuis', categories: [Category.IDENTITY, Category.CARE], legalBasis: 'SAFETY',
      safetyReason: 'Acute zorgen over de veiligheid van het kind', consultedColleagueRole: 'aandachtsfunctionaris', clientInformed: false,
      clientNotInformedReason: 'Informeren brengt het kind in gevaar', ...extra,
    });

    it('should reject a SAFETY disclosure without the consulted colleague’s role, and record it with one', async () => {
      const f = await family(8);
      const missing = await app.gql(RECORD, { input: safety(f, { consultedColleagueRole: undefined }) }, f.careToken);
      expect(missing.errors?.map((e) => [e.extensions.code, e.extensions.field])).toEqual([['BAD_USER_INPUT', 'input.consultedColleagueRole']]);
      const notInformedWithoutReason = await app.gql(RECORD, { input: safety(f, { clientNotInformedReason: undefined }) }, f.careToken);
      expect(notInformedWithoutReason.errors?.[0].extensions.field).toBe('input.clientNotInformedReason');
      expect(await rowCount(app.db.ds, 'disclosure', 'dossier_id = $1', [f.built.dossier.id])).toBe(0);

      const ok = await app.gql(RECORD, { input: safety(f) }, f.careToken);
      expect(ok.errors).toBeUndefined();
      expect(ok.data?.recordDisclosure).toMatchObject({ legalBasis: 'SAFETY', consultedColleagueRole: 'aandachtsfunctionaris' });
      expect((await eventsOf(app.db.ds, ok)).map((e) => e.action).sort()).toEqual(['CREATE', 'READ']);
    });

    it('should not let admin support or a parent record a disclosure', async () => {
      const f = await family(8);
      const admin = await aProfessional(app.db.ds, f.org);
      await assign(f, admin, AssignmentRole.ADMIN_SUPPORT);
      expect(codes(await app.gql(RECORD, { input: safety(f) }, await app.staffToken(f.org, StaffRole.ADMIN_SUPPORT, admin)))).toEqual(['FORBIDDEN']);
      expect(codes(await app.gql(RECORD, { input: safety(f) }, await app.clientToken(f.mother)))).toEqual(['FORBIDDEN']);
      expect(await rowCount(app.db.ds, 'disclosure', 'dossier_id = $1', [f.built.dossier.id])).toBe(0);
    });

    it('should need a consent that is valid now and covers the categories for a CONSENT disclosure', async () => {
      const f = await family(17);
      const consentId = (await give(f, [f.subject], { categories: [Category.CARE] })).data?.giveConsent.id;
      const input = { dossierId: f.built.dossier.id, recipientName: 'Huisarts', categories: [Category.CARE], legalBasis: 'CONSENT', consentId };
      const wider = await app.gql(RECORD, { input: { ...input, categories: [Category.CARE, Category.CONTACT] } }, f.careToken);
      expect(codes(wider)).toEqual(['CONSENT_REQUIRED']);
      expect((await app.gql(RECORD, { input }, f.careToken)).data?.recordDisclosure.legalBasis).toBe('CONSENT');
      await app.gql(WITHDRAW, { id: consentId }, await app.clientToken(f.subject));
      expect(codes(await app.gql(RECORD, { input }, f.careToken))).toEqual(['CONSENT_REQUIRED']);
      expect(await rowCount(app.db.ds, 'disclosure', 'dossier_id = $1', [f.built.dossier.id])).toBe(1);
    });
  });
});
