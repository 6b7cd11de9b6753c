import { randomUUID } from 'node:crypto';
import { Category, FamilyRelation, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { aDisclosureConsent, codeAt, codes, forbiddenPaths, narrowPolicy, nodes } from '../support/scenario-builders';
import { startTestApp, TestApp } from '../support/test-app';

const DOSSIERS = 'query { dossiers(first: 100) { edges { node { id } } } }';
/** Asks for a bit of every category. */
const WIDE = `query($id: ID!) { dossier(id: $id) {
  id
  status
  verwijsindexSignalOn
  subject { id firstName lastName bsn phone }
  entries { edges { node { id text } } }
  family { edges { node { relation person { firstName } } } }
  entitlements { edges { node { decisionNumber } } }
  consents { edges { node { id } } }
  workNotes { edges { node { id } } }
} }`;
const WIDE_FIELDS = [
  'dossier.status', 'dossier.verwijsindexSignalOn', 'dossier.subject.firstName', 'dossier.subject.lastName', 'dossier.subject.bsn',
  'dossier.subject.phone', 'dossier.entries', 'dossier.family', 'dossier.entitlements', 'dossier.consents', 'dossier.workNotes',
];
const without = (...fields: string[]) => WIDE_FIELDS.filter((f) => !fields.includes(f)).sort();
const PARENT_VIEW = `query($id: ID!) { dossier(id: $id) {
  id
  subject { firstName lastName }
  entries { edges { node { text } } }
  supportPlan { goals { edges { node { text } } } }
  myAccess { read }
} }`;

describe('permission scenarios: partners and organisation narrowing (SPEC §1, §4, §7)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const listed = async (token: string) => nodes<{ id: string }>((await app.gql(DOSSIERS, {}, token)).data?.dossiers).map((d) => d.id);

  async function orgWithDossiers() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const mother = await aPerson().aged(36).build(ds, org);
    const dossier = (b = aDossier()) => b.withParent(mother, { custody: true, relation: FamilyRelation.MOTHER }).withAssignment(worker)
      .withEntry({ authorId: worker.id, text: `Verslag ${randomUUID()}` }).withWorkNote(worker, `Notitie ${randomUUID()}`).build(ds, org);
    return { org, worker, mother, dossier };
  }

  describe('verwijsindex', () => {
    it('should see exactly the subject’s BSN of a dossier with a signal; every other field is null + FORBIDDEN', async () => {
      const o = await orgWithDossiers();
      const signalled = await o.dossier(aDossier().with({ verwijsindexSignalOn: addMonths(dutchToday(), -1) }));
      const token = await app.partnerToken(o.org, 'verwijsindex');
      const res = await app.gql(WIDE, { id: signalled.dossier.id }, token);
      const d = res.data?.dossier;
      expect(d.id).toBe(signalled.dossier.id);
      expect(d.subject).toEqual({ id: signalled.subject.id, firstName: null, lastName: null, bsn: signalled.subject.bsn, phone: null });
      for (const f of ['status', 'verwijsindexSignalOn', 'entries', 'family', 'entitlements', 'consents', 'workNotes']) expect(d[f]).toBeNull();
      expect(forbiddenPaths(res)).toEqual(without('dossier.subject.bsn'));
      expect(res.errors!.every((e) => e.extensions.code === 'FORBIDDEN')).toBe(true);
      const body = JSON.stringify(res.response.body);
      for (const secret of [signalled.subject.firstName, signalled.subject.lastName, o.mother.firstName, signalled.entries[0].text]) expect(body).not.toContain(secret);
    });

    it('should get NOT_FOUND for, and not list, a dossier without a signal (nor another organisation’s)', async () => {
      const o = await orgWithDossiers();
      const signalled = await o.dossier(aDossier().with({ verwijsindexSignalOn: dutchToday() }));
      const quiet = await o.dossier();
      const other = await anOrganisation(app.db.ds);
      const foreign = await aDossier().with({ verwijsindexSignalOn: dutchToday() }).build(app.db.ds, other);
      const token = await app.partnerToken(o.org, 'verwijsindex');
      for (const id of [quiet.dossier.id, foreign.dossier.id]) {
        const res = await app.gql(WIDE, { id }, token);
        expect(codes(res)).toEqual(['NOT_FOUND']);
        expect(res.data?.dossier ?? null).toBeNull();
      }
      expect(await listed(token)).toEqual([signalled.dossier.id]);
    });

    it('should lose the dossier when the signal is cleared', async () => {
      const o = await orgWithDossiers();
      const signalled = await o.dossier(aDossier().with({ verwijsindexSignalOn: dutchToday() }));
      const token = await app.partnerToken(o.org, 'verwijsindex');
      expect((await app.gql(WIDE, { id: signalled.dossier.id }, token)).data?.dossier.subject.bsn).toBe(signalled.subject.bsn);
      await app.db.ds.query('UPDATE dossier SET verwijsindex_signal_on = NULL WHERE id = $1', [signalled.dossier.id]);
      expect(codes(await app.gql(WIDE, { id: signalled.dossier.id }, token))).toEqual(['NOT_FOUND']);
    });
  });

  describe('municipality', () => {
    it('should see the subject’s names, BSN and the entitlements of a dossier with a current entitlement, nothing else', async () => {
      const o = await orgWithDossiers();
      const funded = await o.dossier(aDossier().withEntitlement());
      const token = await app.partnerToken(o.org, 'municipality');
      const res = await app.gql(WIDE, { id: funded.dossier.id }, token);
      const d = res.data?.dossier;
      expect(d.subject).toEqual({ id: funded.subject.id, firstName: funded.subject.firstName, lastName: funded.subject.lastName, bsn: funded.subject.bsn, phone: null });
      expect(nodes(d.entitlements)).toHaveLength(1);
      for (const f of ['entries', 'family', 'consents', 'workNotes', 'verwijsindexSignalOn']) expect(d[f]).toBeNull();
      expect(forbiddenPaths(res)).toEqual([
        'dossier.consents', 'dossier.entries', 'dossier.family', 'dossier.subject.phone', 'dossier.verwijsindexSignalOn', 'dossier.workNotes',
      ]);
      const body = JSON.stringify(res.response.body);
      expect(body).not.toContain(o.mother.firstName);
      expect(body).not.toContain(o.mother.lastName);
      expect(body).not.toContain(funded.entries[0].text);
    });

    it('should get NOT_FOUND for, and not list, dossiers without a current entitlement', async () => {
      const o = await orgWithDossiers();
      const funded = await o.dossier(aDossier().withEntitlement());
      const unfunded = await o.dossier();
      const expired = await o.dossier();
      await app.db.ds.query(
        `INSERT INTO entitlement (organisation_id, dossier_id, municipality, decision_number, product, valid_from, valid_until) VALUES ($1, $2, 'Utrecht', $3, 'Ambulant', $4, $5)`,
        [o.org.id, expired.dossier.id, `B-${randomUUID().slice(0, 8)}`, addMonths(dutchToday(), -24), addMonths(dutchToday(), -12)],
      );
      const token = await app.partnerToken(o.org, 'municipality');
      for (const id of [unfunded.dossier.id, expired.dossier.id]) expect(codes(await app.gql(WIDE, { id }, token))).toEqual(['NOT_FOUND']);
      expect(await listed(token)).toEqual([funded.dossier.id]);
    });
  });

  describe('consented partner', () => {
    it('should read entries under an active DISCLOSURE consent for its client id, not the BSN or names; CONSENT_REQUIRED after withdrawal', async () => {
      const o = await orgWithDossiers();
      const shared = await o.dossier();
      const clientId = `wijkteam-${randomUUID()}`;
      const consent = await aDisclosureConsent(app.db.ds, o.org, shared.dossier, clientId, [Category.CARE]);
      const token = await app.partnerToken(o.org, 'consented', clientId);

      const res = await app.gql(WIDE, { id: shared.dossier.id }, token);
      const d = res.data?.dossier;
      expect(nodes<{ text: string }>(d.entries).map((e) => e.text)).toEqual([shared.entries[0].text]);
      expect(d.subject).toEqual({ id: shared.subject.id, firstName: null, lastName: null, bsn: null, phone: null });
      expect(forbiddenPaths(res)).toEqual(without('dossier.entries', 'dossier.verwijsindexSignalOn'));
      expect(JSON.stringify(res.response.body)).not.toContain(shared.subject.bsn!);
      expect(await listed(token)).toEqual([shared.dossier.id]);

      await app.db.ds.query('UPDATE consent SET withdrawn_at = now() WHERE id = $1', [consent.id]);
      const after = await app.gql(WIDE, { id: shared.dossier.id }, token);
      // The partner knew the dossier under its consent: it is told why, not that it does not exist.
      expect(codes(after)).toEqual(['CONSENT_REQUIRED']);
      expect(JSON.stringify(after.response.body)).not.toContain(shared.entries[0].text);
      expect(await listed(token)).toEqual([]);
    });

    it('should not open a dossier to a partner whose client id is not the consent’s recipient', async () => {
      const o = await orgWithDossiers();
      const shared = await o.dossier();
      await aDisclosureConsent(app.db.ds, o.org, shared.dossier, `school-${randomUUID()}`, [Category.CARE]);
      const token = await app.partnerToken(o.org, 'consented', `wijkteam-${randomUUID()}`);
      expect(codes(await app.gql(WIDE, { id: shared.dossier.id }, token))).toEqual(['NOT_FOUND']);
      expect(await listed(token)).toEqual([]);
    });

    it('should not open a dossier under a DISCLOSURE consent that was already used up or has expired (CONSENT_REQUIRED)', async () => {
      const o = await orgWithDossiers();
      const used = await o.dossier();
      const old = await o.dossier();
      const clientId = `wijkteam-${randomUUID()}`;
      await aDisclosureConsent(app.db.ds, o.org, used.dossier, clientId, [Category.CARE], { consumedAt: new Date(Date.now() - 60_000) });
      await aDisclosureConsent(app.db.ds, o.org, old.dossier, clientId, [Category.CARE], { validFrom: addMonths(dutchToday(), -6), validUntil: addMonths(dutchToday(), -1) });
      const token = await app.partnerToken(o.org, 'consented', clientId);
      for (const id of [used.dossier.id, old.dossier.id]) expect(codes(await app.gql(WIDE, { id }, token))).toEqual(['CONSENT_REQUIRED']);
      expect(await listed(token)).toEqual([]);
    });
  });

  describe('organisation narrowing', () => {
    async function parentIn(narrowed: boolean) {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      if (narrowed) await narrowPolicy(ds, org, { deny: { parent: [Category.CARE] } });
      const worker = await aProfessional(ds, org);
      const parent = await aPerson().aged(40).build(ds, org);
      const built = await aDossier().withParent(parent, { custody: true, relation: FamilyRelation.MOTHER }).withAssignment(worker)
        .withEntry({ authorId: worker.id, text: `Gesprek ${randomUUID()}` }).withGoal('Structuur in de dag').build(ds, org);
      return { org, worker, parent, ...built, token: await app.clientToken(parent) };
    }

    it('should withhold CARE from a parent when the organisation denies it, while names stay visible', async () => {
      const n = await parentIn(true);
      const res = await app.gql(PARENT_VIEW, { id: n.dossier.id }, n.token);
      const d = res.data?.dossier;
      expect(d.subject).toEqual({ firstName: n.subject.firstName, lastName: n.subject.lastName });
      expect(d.entries).toBeNull();
      expect(d.supportPlan).toBeNull();
      expect(codeAt(res, ['dossier', 'entries'])).toBe('FORBIDDEN');
      expect(codeAt(res, ['dossier', 'supportPlan'])).toBe('FORBIDDEN');
      expect(d.myAccess.read).not.toContain(Category.CARE);
      expect(d.myAccess.read).toContain(Category.IDENTITY);
      expect(JSON.stringify(res.response.body)).not.toContain(n.entries[0].text);
    });

    it('should leave another organisation without narrowing unaffected', async () => {
      await parentIn(true);
      const plain = await parentIn(false);
      const res = await app.gql(PARENT_VIEW, { id: plain.dossier.id }, plain.token);
      expect(res.errors).toBeUndefined();
      expect(nodes<{ text: string }>(res.data?.dossier.entries).map((e) => e.text)).toEqual([plain.entries[0].text]);
      expect(nodes<{ text: string }>(res.data?.dossier.supportPlan.goals).map((g) => g.text)).toEqual(['Structuur in de dag']);
      expect(res.data?.dossier.myAccess.read).toContain(Category.CARE);
    });

    it('should not narrow other relationships of the same organisation', async () => {
      const n = await parentIn(true);
      const res = await app.gql(PARENT_VIEW, { id: n.dossier.id }, await app.staffToken(n.org, StaffRole.CARE_WORKER, n.worker));
      expect(res.errors).toBeUndefined();
      expect(nodes<{ text: string }>(res.data?.dossier.entries).map((e) => e.text)).toEqual([n.entries[0].text]);
    });

    it('should narrow writes too: a care worker denied CONTACT cannot read or change a phone number', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      await narrowPolicy(ds, org, { deny: { care_worker: [Category.CONTACT] } });
      const worker = await aProfessional(ds, org);
      const { dossier, subject } = await aDossier().withAssignment(worker).build(ds, org);
      const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
      const read = await app.gql('query($id: ID!) { dossier(id: $id) { subject { firstName phone } myAccess { read write } } }', { id: dossier.id }, token);
      expect(read.data?.dossier.subject).toEqual({ firstName: subject.firstName, phone: null });
      expect(codeAt(read, ['dossier', 'subject', 'phone'])).toBe('FORBIDDEN');
      expect(read.data?.dossier.myAccess.read).not.toContain(Category.CONTACT);
      expect(read.data?.dossier.myAccess.write).not.toContain(Category.CONTACT);
      const write = await app.gql(
        'mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { id } }',
        { input: { id: subject.id, dossierId: dossier.id, version: subject.version, phone: '06-11111111' } },
        token,
      );
      expect(codes(write)).toEqual(['FORBIDDEN']);
      const [row] = await ds.query('select phone, version from person where id = $1', [subject.id]);
      expect(row).toEqual({ phone: subject.phone, version: subject.version });
    });
  });
});
