import { randomUUID } from 'node:crypto';
import { verifyAccessLog } from '../../src/audit/verify';
import { Organisation, Professional } from '../../src/entities';
import { Category, DossierStatus, DossierType, EntryKind, RetentionAnchor, StaffRole } from '../../src/entities/enums';
import { destroyDossier, expiredDossiers, purge, RETENTION_ACTOR } from '../../src/services/retention.service';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aProfessional, BuiltDossier } from '../support/builders';
import { eventCount, eventsOf, eventsOfDossier } from '../support/access-log';
import { aDisclosureConsent, anAuditorGrant, codes, rowCount } from '../support/scenario-builders';
import { startTestApp, TEST_AUDIT_KEY, TestApp } from '../support/test-app';

const SETTINGS = 'query { retentionSettings { retentionMonths retentionAnchor youthProtectionRetentionMonths } }';
const SET_SETTINGS = `mutation($input: RetentionSettingsInput!) {
  setRetentionSettings(input: $input) { retentionMonths retentionAnchor youthProtectionRetentionMonths } }`;
const SET_HOLD = 'mutation($input: SetLegalHoldInput!) { setLegalHold(input: $input) { id version legalHold legalHoldReason legalHoldChangedAt } }';
const RECORDS = 'query { destructionRecords(first: 100) { edges { node { id dossierId dossierType retentionMonths retentionAnchor anchorDate expiresOn reason rightsRequestId } } } }';

/** Tables that hold a dossier's content: after a destruction none may have a row of it. */
const CONTENT_TABLES = [
  'dossier', 'family_member', 'care_team_assignment', 'entitlement', 'support_plan', 'support_plan_goal', 'entry', 'work_note',
  'consent', 'disclosure', 'rights_request', 'emergency_access',
];

const monthsAgo = (n: number) => addMonths(dutchToday(), -n);

describe('retention (SPEC §11)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** Sets the retention anchors of a built dossier directly (time cannot be waited for). */
  async function age(d: BuiltDossier, changedMonthsAgo: number, lastContactOn: string | null = null): Promise<void> {
    await app.db.ds.query(
      `UPDATE dossier SET last_changed_at = ($2::date::timestamp AT TIME ZONE 'Europe/Amsterdam') + interval '12 hours', last_contact_on = $3 WHERE id = $1`,
      [d.dossier.id, monthsAgo(changedMonthsAgo), lastContactOn],
    );
  }

  /** A closed dossier with a parent, an assignment, an entry, a goal, an entitlement and a work note, last changed `months` ago. */
  async function closedDossier(org: Organisation, worker: Professional, months: number, opts: { type?: DossierType; hold?: boolean; open?: boolean } = {}) {
    const d = await aDossier()
      .withParent()
      .withAssignment(worker)
      .withEntry({ authorId: worker.id, kind: EntryKind.OBSERVATION, occurredOn: monthsAgo(months + 12), text: `Observatie ${randomUUID()}` })
      .withGoal('Rust in huis')
      .withEntitlement()
      .withWorkNote(worker, `Aantekening ${randomUUID()}`)
      .with({
        type: opts.type ?? DossierType.YOUTH_CARE, status: opts.open ? DossierStatus.OPEN : DossierStatus.CLOSED, closedOn: opts.open ? null : monthsAgo(months),
        openedOn: monthsAgo(months + 24), legalHold: !!opts.hold,
      })
      .build(app.db.ds, org);
    await age(d, months);
    return d;
  }

  const remaining = async (dossierId: string) => {
    const counts: Record<string, number> = {};
    for (const t of CONTENT_TABLES) counts[t] = await rowCount(app.db.ds, t, t === 'dossier' ? 'id = $1' : 'dossier_id = $1', [dossierId]);
    return counts;
  };
  const none = Object.fromEntries(CONTENT_TABLES.map((t) => [t, 0]));
  const personExists = async (id: string) => (await rowCount(app.db.ds, 'person', 'id = $1', [id])) === 1;

  describe('the purge', () => {
    /** One organisation with the default rule (20 years from the last change) and a longer youth-protection rule. */
    async function scenario() {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      await ds.query('UPDATE organisation SET youth_protection_retention_months = 300 WHERE organisation_id = $1', [org.id]);
      const worker = await aProfessional(ds, org);
      const expired = await closedDossier(org, worker, 241);
      const within = await closedDossier(org, worker, 239);
      const held = await closedDossier(org, worker, 241, { hold: true });
      const open = await closedDossier(org, worker, 241, { open: true });
      const youthKept = await closedDossier(org, worker, 250, { type: DossierType.YOUTH_PROTECTION });
      const youthExpired = await closedDossier(org, worker, 301, { type: DossierType.YOUTH_PROTECTION });
      // The expired dossier's parent is also the parent in a dossier that stays.
      const sibling = await aDossier().withParent(expired.relatives[0].person).build(ds, org);
      // Consent, disclosure, rights request and emergency access of the expired dossier.
      const consent = await aDisclosureConsent(ds, org, expired.dossier, 'partner-gemeente', [Category.ENTITLEMENT]);
      await ds.query(
        `INSERT INTO disclosure (organisation_id, dossier_id, recipient_name, categories, disclosed_at, legal_basis, consent_id)
         VALUES ($1, $2, 'Gemeente', '{ENTITLEMENT}', now(), 'CONSENT', $3)`,
        [org.id, expired.dossier.id, consent.id],
      );
      await ds.query(
        `INSERT INTO rights_request (organisation_id, dossier_id, type, requester_person_ids, received_on, due_on)
         VALUES ($1, $2, 'ACCESS', ARRAY[$3::uuid], $4, $4)`,
        [org.id, expired.dossier.id, expired.relatives[0].person.id, monthsAgo(250)],
      );
      await ds.query(
        `INSERT INTO emergency_access (organisation_id, dossier_id, professional_id, professional_role, reason, started_at, expires_at)
         VALUES ($1, $2, $3, 'care_worker', 'Crisis buiten kantoortijd, collega onbereikbaar', now() - interval '1 day', now() - interval '20 hours')`,
        [org.id, expired.dossier.id, worker.id],
      );
      const grant = await anAuditorGrant(ds, org, worker, { auditorSubject: `auditor-${randomUUID()}`, dossierIds: [expired.dossier.id], categories: [Category.CARE] });
      return { org, worker, expired, within, held, open, youthKept, youthExpired, sibling, grant };
    }

    it('should list exactly the expired dossiers in a dry run, and change nothing', async () => {
      const s = await scenario();
      const before = { log: await eventCount(app.db.ds), dossiers: await rowCount(app.db.ds, 'dossier'), persons: await rowCount(app.db.ds, 'person'), records: await rowCount(app.db.ds, 'destruction_record') };
      const report = await purge(app.db.ds, { apply: false, organisationId: s.org.id, auditKey: TEST_AUDIT_KEY });
      expect(report.expired.map((f) => f.dossierId).sort()).toEqual([s.expired.dossier.id, s.youthExpired.dossier.id].sort());
      expect(report.destroyed).toEqual([]);
      expect({ keptOpen: report.keptOpen, keptOnHold: report.keptOnHold }).toEqual({ keptOpen: 1, keptOnHold: 1 });
      expect(report.expired.find((f) => f.dossierId === s.youthExpired.dossier.id)).toMatchObject({
        retentionMonths: 300, retentionAnchor: RetentionAnchor.LAST_CHANGE, anchorDate: monthsAgo(301), expiresOn: addMonths(monthsAgo(301), 300),
      });
      expect({ log: await eventCount(app.db.ds), dossiers: await rowCount(app.db.ds, 'dossier'), persons: await rowCount(app.db.ds, 'person'), records: await rowCount(app.db.ds, 'destruction_record') }).toEqual(before);
    });

    it('should destroy exactly the expired dossiers with --apply: content and own persons gone, a record without personal data, the destruction logged', async () => {
      const s = await scenario();
      // An earlier read of the expired dossier: its log event must survive the destruction.
      const read = await app.gql('query($id: ID!) { dossier(id: $id) { subject { firstName } } }', { id: s.expired.dossier.id }, await app.staffToken(s.org, StaffRole.CARE_WORKER, s.worker));
      expect(read.data?.dossier.subject.firstName).toBe(s.expired.subject.firstName);
      const eventsBefore = await eventsOfDossier(app.db.ds, s.expired.dossier.id);
      expect(eventsBefore.length).toBeGreaterThan(0);

      const report = await purge(app.db.ds, { apply: true, organisationId: s.org.id, auditKey: TEST_AUDIT_KEY });
      expect(report.failed).toEqual([]);
      expect(report.destroyed.map((d) => d.facts.dossierId).sort()).toEqual([s.expired.dossier.id, s.youthExpired.dossier.id].sort());

      for (const gone of [s.expired, s.youthExpired]) {
        expect(await remaining(gone.dossier.id)).toEqual(none);
        expect(await personExists(gone.subject.id)).toBe(false);
      }
      for (const kept of [s.within, s.held, s.open, s.youthKept, s.sibling]) {
        expect(await rowCount(app.db.ds, 'dossier', 'id = $1', [kept.dossier.id])).toBe(1);
        expect(await personExists(kept.subject.id)).toBe(true);
      }
      // The parent of the expired dossier is the parent in the sibling's dossier too: kept. The other one's parent: gone.
      expect(await personExists(s.expired.relatives[0].person.id)).toBe(true);
      expect(await personExists(s.youthExpired.relatives[0].person.id)).toBe(false);
      // The auditor grant keeps the id it granted (it is the basis of logged reads).
      expect((await app.db.ds.query('SELECT dossier_ids FROM auditor_grant WHERE id = $1', [s.grant.id]))[0].dossier_ids).toEqual([s.expired.dossier.id]);

      const [record] = await app.db.ds.query('SELECT * FROM destruction_record WHERE dossier_id = $1', [s.expired.dossier.id]);
      expect(record).toMatchObject({
        organisation_id: s.org.id, dossier_type: 'YOUTH_CARE', retention_months: 240, retention_anchor: 'LAST_CHANGE', reason: 'RETENTION_EXPIRED',
        rights_request_id: null, anchor_date: monthsAgo(241), expires_on: addMonths(monthsAgo(241), 240),
      });
      const text = JSON.stringify(record);
      for (const p of [s.expired.subject, s.expired.relatives[0].person]) {
        for (const value of [p.firstName, p.lastName, p.bsn, p.id, p.email, p.dateOfBirth]) expect(text).not.toContain(value);
      }
      expect(Object.keys(record).sort()).toEqual([
        'anchor_date', 'created_at', 'destroyed_at', 'dossier_id', 'dossier_type', 'expires_on', 'id', 'organisation_id', 'reason', 'retention_anchor',
        'retention_months', 'rights_request_id',
      ]);

      const events = await eventsOfDossier(app.db.ds, s.expired.dossier.id);
      expect(events.slice(0, eventsBefore.length).map((e) => e.id)).toEqual(eventsBefore.map((e) => e.id));
      const destruction = events.filter((e) => e.action === 'DELETE');
      expect(destruction).toHaveLength(1);
      expect(destruction[0]).toMatchObject({
        actor_sub: RETENTION_ACTOR, actor_role: 'system', purpose: 'RIGHTS', outcome: 'GRANTED', legal_basis_ref: record.id,
        subject_person_id: s.expired.subject.id, granted_fields: ['Dossier.id'], organisation_id: s.org.id,
      });
      expect((await verifyAccessLog(app.db.ds, TEST_AUDIT_KEY)).problems).toEqual([]);

      // A second run finds nothing more to do.
      const again = await purge(app.db.ds, { apply: true, organisationId: s.org.id, auditKey: TEST_AUDIT_KEY });
      expect({ expired: again.expired, destroyed: again.destroyed }).toEqual({ expired: [], destroyed: [] });
    });

    it('should count from the last contact for a LAST_CONTACT organisation (6 months), a later CONTACT entry included', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      await ds.query(`UPDATE organisation SET retention_months = 6, retention_anchor = 'LAST_CONTACT' WHERE organisation_id = $1`, [org.id]);
      const worker = await aProfessional(ds, org);
      const build = async (lastContactMonths: number | null, changedMonths: number, contactEntryMonths?: number) => {
        let b = aDossier().with({ status: DossierStatus.CLOSED, closedOn: monthsAgo(changedMonths), openedOn: monthsAgo(40) });
        if (contactEntryMonths !== undefined) b = b.withEntry({ authorId: worker.id, kind: EntryKind.CONTACT, occurredOn: monthsAgo(contactEntryMonths) });
        const d = await b.build(ds, org);
        await age(d, changedMonths, lastContactMonths === null ? null : monthsAgo(lastContactMonths));
        return d;
      };
      const contactLongAgo = await build(7, 1);
      const contactRecent = await build(5, 10);
      const laterEntry = await build(8, 10, 2);
      const neverContact = await build(null, 7);
      const neverContactRecent = await build(null, 5);

      const expired = await expiredDossiers(ds, org.id);
      expect(expired.map((f) => f.dossierId).sort()).toEqual([contactLongAgo.dossier.id, neverContact.dossier.id].sort());
      expect(expired.find((f) => f.dossierId === contactLongAgo.dossier.id)).toMatchObject({ anchorDate: monthsAgo(7), expiresOn: addMonths(monthsAgo(7), 6) });
      for (const kept of [contactRecent, laterEntry, neverContactRecent]) expect(expired.map((f) => f.dossierId)).not.toContain(kept.dossier.id);
    });

    it('should refuse to destroy a dossier under legal hold or not past retention, and destroy early on request (EARLY_DESTRUCTION)', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const held = await closedDossier(org, worker, 300, { hold: true });
      const young = await closedDossier(org, worker, 10, { open: true });
      const attempt = (id: string, reason: 'RETENTION_EXPIRED' | 'EARLY_DESTRUCTION', rr?: string) =>
        ds.transaction((em) => destroyDossier(em, id, org.id, reason, rr)).then(() => 'destroyed', (e) => e.extensions?.code ?? String(e));
      expect(await attempt(held.dossier.id, 'RETENTION_EXPIRED')).toBe('CONFLICT');
      expect(await attempt(held.dossier.id, 'EARLY_DESTRUCTION')).toBe('CONFLICT');
      expect(await attempt(young.dossier.id, 'RETENTION_EXPIRED')).toBe('CONFLICT');
      const rightsRequestId = randomUUID();
      expect(await attempt(young.dossier.id, 'EARLY_DESTRUCTION', rightsRequestId)).toBe('destroyed');
      const other = await anOrganisation(ds);
      expect(await ds.transaction((em) => destroyDossier(em, held.dossier.id, other.id, 'EARLY_DESTRUCTION')).catch((e) => e.extensions?.code)).toBe('NOT_FOUND');
      expect(await rowCount(ds, 'dossier', 'id = $1', [held.dossier.id])).toBe(1);
      expect(await remaining(young.dossier.id)).toEqual(none);
      const [record] = await ds.query('SELECT reason, rights_request_id FROM destruction_record WHERE dossier_id = $1', [young.dossier.id]);
      expect(record).toEqual({ reason: 'EARLY_DESTRUCTION', rights_request_id: rightsRequestId });
    });

    it('should only consider the organisation asked for with --org', async () => {
      const ds = app.db.ds;
      const [a, b] = [await anOrganisation(ds), await anOrganisation(ds)];
      const [wa, wb] = [await aProfessional(ds, a), await aProfessional(ds, b)];
      const inA = await closedDossier(a, wa, 241);
      const inB = await closedDossier(b, wb, 241);
      const report = await purge(ds, { apply: true, organisationId: b.id, auditKey: TEST_AUDIT_KEY });
      expect(report.destroyed.map((d) => d.facts.dossierId)).toEqual([inB.dossier.id]);
      expect(await rowCount(ds, 'dossier', 'id = $1', [inA.dossier.id])).toBe(1);
    });
  });

  describe('settings and legal hold (privacy officer only)', () => {
    async function setup() {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const d = await closedDossier(org, worker, 241);
      return {
        org, worker, d,
        po: await app.staffToken(org, StaffRole.PRIVACY_OFFICER, `po-${randomUUID()}`),
        cw: await app.staffToken(org, StaffRole.CARE_WORKER, worker),
        stranger: await app.staffToken(org, StaffRole.CARE_WORKER, `cw-${randomUUID()}`),
      };
    }
    const settingsRow = async (org: Organisation) =>
      (await app.db.ds.query('SELECT retention_months, retention_anchor, youth_protection_retention_months FROM organisation WHERE organisation_id = $1', [org.id]))[0];

    it('should let the privacy officer read and replace the rule, logged with the change', async () => {
      const { org, po } = await setup();
      expect((await app.gql(SETTINGS, {}, po)).data?.retentionSettings).toEqual({ retentionMonths: 240, retentionAnchor: 'LAST_CHANGE', youthProtectionRetentionMonths: null });
      const res = await app.gql(SET_SETTINGS, { input: { retentionMonths: 6, retentionAnchor: 'LAST_CONTACT', youthProtectionRetentionMonths: 240 } }, po);
      expect(res.errors).toBeUndefined();
      expect(res.data?.setRetentionSettings).toEqual({ retentionMonths: 6, retentionAnchor: 'LAST_CONTACT', youthProtectionRetentionMonths: 240 });
      expect(await settingsRow(org)).toEqual({ retention_months: 6, retention_anchor: 'LAST_CONTACT', youth_protection_retention_months: 240 });
      const events = (await eventsOf(app.db.ds, res)).filter((e) => e.action === 'UPDATE');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ dossier_id: null, actor_role: 'privacy_officer', relationship: 'privacy_officer', outcome: 'GRANTED' });
      expect(events[0].granted_fields).toEqual(expect.arrayContaining(['RetentionSettings.retentionMonths', 'RetentionSettings.retentionAnchor']));
    });

    it('should refuse settings to anyone else (FORBIDDEN) and bad input (BAD_USER_INPUT with the field), changing nothing', async () => {
      const { org, cw } = await setup();
      const auditor = await app.staffToken(org, StaffRole.AUDITOR, `aud-${randomUUID()}`);
      const po = await app.staffToken(org, StaffRole.PRIVACY_OFFICER, `po-${randomUUID()}`);
      const before = await settingsRow(org);
      for (const token of [cw, auditor]) {
        expect(codes(await app.gql(SETTINGS, {}, token))).toEqual(['FORBIDDEN']);
        expect(codes(await app.gql(SET_SETTINGS, { input: { retentionMonths: 6, retentionAnchor: 'LAST_CONTACT' } }, token))).toEqual(['FORBIDDEN']);
      }
      for (const [input, field] of [
        [{ retentionMonths: 3, retentionAnchor: 'LAST_CHANGE' }, 'input.retentionMonths'],
        [{ retentionMonths: 2000, retentionAnchor: 'LAST_CHANGE' }, 'input.retentionMonths'],
        [{ retentionMonths: 240, retentionAnchor: 'LAST_CHANGE', youthProtectionRetentionMonths: 120 }, 'input.youthProtectionRetentionMonths'],
        [{ retentionMonths: 240, retentionAnchor: 'CLOSING_DATE' }, 'input.retentionAnchor'],
      ] as const) {
        const res = await app.gql(SET_SETTINGS, { input }, po);
        expect(res.errors?.map((e) => [e.extensions.code, e.extensions.field])).toEqual([['BAD_USER_INPUT', field]]);
      }
      expect(await settingsRow(org)).toEqual(before);
      expect(await app.db.ds.query(`SELECT count(*)::int AS n FROM access_log_event WHERE organisation_id = $1 AND action = 'UPDATE'`, [org.id])).toEqual([{ n: 0 }]);
    });

    it('should let the privacy officer set and lift a legal hold with a reason; a held dossier survives the purge', async () => {
      const { org, d, po } = await setup();
      const [before] = await app.db.ds.query('SELECT last_changed_at, version FROM dossier WHERE id = $1', [d.dossier.id]);
      const set = await app.gql(SET_HOLD, { input: { dossierId: d.dossier.id, legalHold: true, legalHoldReason: 'Lopende klachtprocedure bij de geschillencommissie' } }, po);
      expect(set.errors).toBeUndefined();
      expect(set.data?.setLegalHold).toMatchObject({ id: d.dossier.id, legalHold: true, legalHoldReason: 'Lopende klachtprocedure bij de geschillencommissie', version: before.version + 1 });
      const [after] = await app.db.ds.query('SELECT last_changed_at, legal_hold FROM dossier WHERE id = $1', [d.dossier.id]);
      // A hold does not restart the retention period.
      expect(after).toEqual({ last_changed_at: before.last_changed_at, legal_hold: true });
      const update = (await eventsOf(app.db.ds, set)).find((e) => e.action === 'UPDATE');
      expect(update).toMatchObject({ dossier_id: d.dossier.id, relationship: 'privacy_officer', outcome: 'GRANTED' });
      expect(update?.granted_fields).toEqual(expect.arrayContaining(['Dossier.legalHold', 'Dossier.legalHoldReason']));

      expect((await purge(app.db.ds, { apply: true, organisationId: org.id, auditKey: TEST_AUDIT_KEY })).destroyed).toEqual([]);
      expect(await rowCount(app.db.ds, 'dossier', 'id = $1', [d.dossier.id])).toBe(1);

      const lift = await app.gql(SET_HOLD, { input: { dossierId: d.dossier.id, legalHold: false, legalHoldReason: 'Klacht afgehandeld, uitspraak definitief' } }, po);
      expect(lift.data?.setLegalHold.legalHold).toBe(false);
      const report = await purge(app.db.ds, { apply: true, organisationId: org.id, auditKey: TEST_AUDIT_KEY });
      expect(report.destroyed.map((x) => x.facts.dossierId)).toEqual([d.dossier.id]);
      const records = await app.gql(RECORDS, {}, po);
      expect(records.data?.destructionRecords.edges.map((e: { node: { dossierId: string } }) => e.node)).toEqual([
        expect.objectContaining({ dossierId: d.dossier.id, reason: 'RETENTION_EXPIRED', retentionMonths: 240, retentionAnchor: 'LAST_CHANGE', rightsRequestId: null }),
      ]);
    });

    it('should refuse the hold to care workers (FORBIDDEN when assigned, NOT_FOUND otherwise) and a missing reason, changing nothing', async () => {
      const { d, cw, stranger, po } = await setup();
      const input = { dossierId: d.dossier.id, legalHold: true, legalHoldReason: 'Rechtszaak over de ondertoezichtstelling' };
      expect(codes(await app.gql(SET_HOLD, { input }, cw))).toEqual(['FORBIDDEN']);
      expect(codes(await app.gql(SET_HOLD, { input }, stranger))).toEqual(['NOT_FOUND']);
      expect(codes(await app.gql(RECORDS, {}, cw))).toEqual(['FORBIDDEN']);
      for (const reason of ['kort', '          spaties          ']) {
        const res = await app.gql(SET_HOLD, { input: { ...input, legalHoldReason: reason } }, po);
        expect(res.errors?.map((e) => [e.extensions.code, e.extensions.field])).toEqual([['BAD_USER_INPUT', 'input.legalHoldReason']]);
      }
      expect(await app.db.ds.query('SELECT legal_hold, legal_hold_reason FROM dossier WHERE id = $1', [d.dossier.id])).toEqual([{ legal_hold: false, legal_hold_reason: null }]);
    });
  });

  it('should find expired dossiers through the anchor indexes', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    // Enough rows that a sequential scan is not the obvious plan.
    await ds.query(
      `INSERT INTO person (organisation_id, first_name, last_name, date_of_birth, version) SELECT $1, 'F', 'L', '2010-01-01', 1 FROM generate_series(1, 2000)`,
      [org.id],
    );
    await ds.query(`INSERT INTO dossier (organisation_id, subject_id, type, opened_on, status, version)
      SELECT organisation_id, id, 'YOUTH_CARE', '2020-01-01', 'CLOSED', 1 FROM person WHERE organisation_id = $1`, [org.id]);
    await ds.query('ANALYZE dossier');
    const spy: string[] = [];
    const explain = { query: async (sql: string, params?: unknown[]) => {
      if (sql.includes('make_interval') && sql.includes('cutoff')) {
        const plan = await ds.query(`EXPLAIN ${sql}`, params);
        spy.push(plan.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
      }
      return ds.query(sql, params);
    } };
    expect(await expiredDossiers(explain, org.id)).toEqual([]);
    expect(spy).toHaveLength(1);
    expect(spy[0]).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
    expect(spy[0]).toMatch(/IDX_30815517fba327b93ba81aa1d3/);
  });

  it('should keep the assigned care worker from seeing a dossier after it was destroyed (NOT_FOUND)', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const d = await closedDossier(org, worker, 241);
    await purge(ds, { apply: true, organisationId: org.id, auditKey: TEST_AUDIT_KEY });
    const res = await app.gql('query($id: ID!) { dossier(id: $id) { id } }', { id: d.dossier.id }, await app.staffToken(org, StaffRole.CARE_WORKER, worker));
    expect(codes(res)).toEqual(['NOT_FOUND']);
    expect(await personExists(d.subject.id)).toBe(false);
  });

  describe('as the application role (kluis_app)', () => {
    let appRole: TestApp;
    beforeAll(async () => {
      appRole = await startTestApp({ asAppRole: true });
    });
    afterAll(() => appRole.close());

    it('should purge with the grants the server has, and never change or delete a destruction record', async () => {
      const ds = appRole.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const d = await aDossier().withParent().withAssignment(worker).with({ status: DossierStatus.CLOSED, closedOn: monthsAgo(250), openedOn: monthsAgo(260) }).build(ds, org);
      await ds.query(`UPDATE dossier SET last_changed_at = now() - interval '250 months' WHERE id = $1`, [d.dossier.id]);
      const report = await purge(appRole.appDs, { apply: true, organisationId: org.id, auditKey: TEST_AUDIT_KEY });
      expect({ failed: report.failed, destroyed: report.destroyed.map((x) => x.facts.dossierId) }).toEqual({ failed: [], destroyed: [d.dossier.id] });
      const denied = (sql: string) => appRole.appDs.query(sql, [d.dossier.id]).then(() => 'allowed', (e) => e.code);
      expect(await denied(`UPDATE destruction_record SET reason = 'EARLY_DESTRUCTION' WHERE dossier_id = $1`)).toBe('42501');
      expect(await denied('DELETE FROM destruction_record WHERE dossier_id = $1')).toBe('42501');
      expect(await rowCount(ds, 'destruction_record', 'dossier_id = $1', [d.dossier.id])).toBe(1);
    });
  });
});
