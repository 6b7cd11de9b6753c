import { randomUUID } from 'node:crypto';
import { FamilyRelation, StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { eventsOf, LoggedEvent } from '../support/access-log';
import { codeAt, codes, nodes } from '../support/scenario-builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const CARE_READ = 'query CareRead($id: ID!) { dossier(id: $id) { id subject { firstName bsn } entries { edges { node { text } } } } }';
const PEEK = 'query Peek($id: ID!) { dossier(id: $id) { id subject { firstName } } }';
const START = 'mutation BreakGlass($input: StartEmergencyAccessInput!) { startEmergencyAccess(input: $input) { id } }';
const ENTRY_FIELDS = 'id occurredAt actorRole relationship action categories fields outcome purpose emergency summary';
const DOSSIER_LOG = `query DossierLog($id: ID!) { dossier(id: $id) { id accessLog(first: 100) { edges { node { ${ENTRY_FIELDS} } } } } }`;
const EVENT_FIELDS = `id occurredAt actorSub actorRole relationship clientApp action dossierId subjectPersonId grantedFields deniedFields
  pseudonymisedFields outcome checkAuthorisation checkCareRelationship checkConsent checkEmergency purpose legalBasisRef requestId operationName sourceAddress`;
const SEARCH = `query Search($filter: AccessLogFilter!, $first: Int!, $after: String) {
  accessLogEvents(filter: $filter, first: $first, after: $after) { edges { cursor node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;

type Entry = { id: string; occurredAt: string; actorRole: string; relationship: string; action: string; categories: string[]; fields: string[]; outcome: string; purpose: string; emergency: boolean; summary: string };
type Event = { id: string; occurredAt: string; actorSub: string; action: string; dossierId: string | null; outcome: string; checkEmergency: boolean; grantedFields: string[] };

/**
 * The LOG_READ events of a request. Opening the dossier itself (`dossier(id)`, whose existence is
 * sensitive, §3) is its own READ event without field paths; each test checks that separately.
 */
function logReads(events: LoggedEvent[]): LoggedEvent[] {
  for (const e of events.filter((x) => x.action !== 'LOG_READ')) expect(e).toMatchObject({ action: 'READ', granted_fields: [], denied_fields: [], pseudonymised_fields: [] });
  return events.filter((e) => e.action === 'LOG_READ');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs: readonly string[]) => [...xs].sort();

describe('access log: reading it (SPEC §4 note 4, §6)', () => {
  let app: TestApp;
  let s: Awaited<ReturnType<typeof scenario>>;

  beforeAll(async () => {
    app = await startTestApp();
    s = await scenario();
  });
  afterAll(() => app.close());

  /**
   * A 14-year-old's dossier with a custodial parent, read by the assigned care worker, attempted
   * by an unassigned colleague, and opened by break-the-glass — in three separate periods.
   */
  async function scenario() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org, `cw-${randomUUID()}`);
    const colleague = await aProfessional(ds, org, `cw-${randomUUID()}`);
    const oncall = await aProfessional(ds, org, `cw-${randomUUID()}`);
    const child = await aPerson().aged(14).build(ds, org);
    const parent = await aPerson().aged(42).build(ds, org);
    const built = await aDossier().withSubject(child).withParent(parent, { custody: true, relation: FamilyRelation.MOTHER }).withAssignment(worker).withEntries(2, worker.id).build(ds, org);
    const other = await aDossier().withAssignment(worker).withEntries(1, worker.id).build(ds, org);
    const tokens = {
      worker: await app.staffToken(org, StaffRole.CARE_WORKER, worker),
      colleague: await app.staffToken(org, StaffRole.CARE_WORKER, colleague),
      oncall: await app.staffToken(org, StaffRole.CARE_WORKER, oncall),
      officer: await app.staffToken(org, StaffRole.PRIVACY_OFFICER, `fg-${randomUUID()}`),
      parent: await app.clientToken(parent),
      child: await app.clientToken(child),
    };

    const read = await app.gql(CARE_READ, { id: built.dossier.id }, tokens.worker);
    expect(read.errors).toBeUndefined();
    await app.gql(CARE_READ, { id: other.dossier.id }, tokens.worker);
    await sleep(15);
    const t1 = new Date();
    await sleep(15);
    const attempt = await app.gql(PEEK, { id: built.dossier.id }, tokens.colleague);
    expect(codes(attempt)).toEqual(['NOT_FOUND']);
    await sleep(15);
    const t2 = new Date();
    await sleep(15);
    const glass = await app.gql(START, { input: { dossierId: built.dossier.id, reason: 'Crisismelding in het weekend, hulpverlener onbereikbaar' } }, tokens.oncall);
    expect(glass.errors).toBeUndefined();
    const emergencyRead = await app.gql(CARE_READ, { id: built.dossier.id }, tokens.oncall);
    expect(emergencyRead.errors).toBeUndefined();

    const [readEvent] = await eventsOf(ds, read);
    const [attemptEvent] = await eventsOf(ds, attempt);
    const [glassEvent] = await eventsOf(ds, glass);
    const [emergencyEvent] = await eventsOf(ds, emergencyRead);
    return { org, worker, colleague, oncall, child, parent, other, tokens, t1, t2, readEvent, attemptEvent, glassEvent, emergencyEvent, emergencyAccessId: glass.data?.startEmergencyAccess.id as string, ...built };
  }

  /** What the log holds for an organisation right now, by a filter in SQL (the search's own LOG_READ comes after its response). */
  async function expectedIds(where: string, params: unknown[]): Promise<string[]> {
    const rows: { id: string }[] = await app.db.ds.query(`SELECT id FROM access_log_event WHERE organisation_id = $1 AND ${where} ORDER BY occurred_at DESC, id DESC`, [s.org.id, ...params]);
    return rows.map((r) => r.id);
  }

  async function search(filter: Record<string, unknown>, token = s.tokens.officer, first = 100): Promise<{ res: GqlResult; events: Event[] }> {
    const res = await app.gql(SEARCH, { filter, first }, token);
    return { res, events: nodes<Event>(res.data?.accessLogEvents) };
  }

  function staffIdentitiesAbsent(res: GqlResult) {
    const raw = res.response.text;
    for (const p of [s.worker, s.colleague, s.oncall]) {
      expect(raw).not.toContain(p.subject);
      expect(raw).not.toContain(p.displayName);
      expect(raw).not.toContain(p.id);
    }
  }

  describe('Dossier.accessLog for the client', () => {
    it('should show a parent the care worker’s earlier read: when, role, action, categories, fields, purpose and a Dutch summary, without staff identities', async () => {
      const res = await app.gql(DOSSIER_LOG, { id: s.dossier.id }, s.tokens.parent);
      expect(res.errors).toBeUndefined();
      const entries = nodes<Entry>(res.data?.dossier.accessLog);
      const read = entries.find((e) => e.id === s.readEvent.id);
      expect(read).toEqual({
        id: s.readEvent.id,
        occurredAt: s.readEvent.occurred_at.toISOString(),
        actorRole: 'care_worker',
        relationship: 'care_worker',
        action: 'READ',
        categories: ['CARE', 'IDENTIFIERS', 'IDENTITY'],
        fields: sorted(['Dossier.entries', 'Entry.text', 'Person.bsn', 'Person.firstName']),
        outcome: 'GRANTED',
        purpose: 'TREAT',
        emergency: false,
        summary: expect.stringMatching(/^Een hulpverlener bekeek het dossier \(.*zorg.*\)\.$/),
      });
      staffIdentitiesAbsent(res);
    });

    it('should show the refused attempt and the break-the-glass with its emergency flag, newest first, and only this dossier’s events', async () => {
      const res = await app.gql(DOSSIER_LOG, { id: s.dossier.id }, s.tokens.parent);
      const entries = nodes<Entry>(res.data?.dossier.accessLog);
      const ids = entries.map((e) => e.id);
      expect(ids).toEqual(expect.arrayContaining([s.readEvent.id, s.attemptEvent.id, s.glassEvent.id, s.emergencyEvent.id]));
      expect(entries.find((e) => e.id === s.attemptEvent.id)).toMatchObject({ outcome: 'DENIED', summary: expect.stringMatching(/geweigerd/) });
      expect(entries.find((e) => e.id === s.glassEvent.id)).toMatchObject({ action: 'EMERGENCY', emergency: true, purpose: 'ETREAT', summary: expect.stringMatching(/spoedtoegang/) });
      expect(entries.find((e) => e.id === s.emergencyEvent.id)).toMatchObject({ action: 'READ', emergency: true, purpose: 'ETREAT', relationship: 'emergency' });
      const times = entries.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const [{ n }] = await app.db.ds.query('SELECT count(*)::int AS n FROM access_log_event WHERE dossier_id = $1 AND id = ANY($2::uuid[])', [s.dossier.id, ids]);
      expect(n).toBe(ids.length);
      staffIdentitiesAbsent(res);
    });

    it('should log the parent’s reading as a LOG_READ event with Dossier.accessLog and AccessLogEntry paths', async () => {
      const res = await app.gql(DOSSIER_LOG, { id: s.dossier.id }, s.tokens.parent);
      const events = logReads(await eventsOf(app.db.ds, res));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'LOG_READ', outcome: 'GRANTED', actor_role: 'client', relationship: 'parent', actor_person_id: s.parent.id,
        dossier_id: s.dossier.id, subject_person_id: s.child.id, purpose: 'RIGHTS', operation_name: 'DossierLog',
      });
      expect(events[0].granted_fields).toContain('Dossier.accessLog');
      expect(events[0].granted_fields).toEqual(expect.arrayContaining(['AccessLogEntry.summary', 'AccessLogEntry.occurredAt', 'AccessLogEntry.fields']));
      expect(events[0].granted_fields.every((f) => f === 'Dossier.accessLog' || f.startsWith('AccessLogEntry.'))).toBe(true);
      // …and the next read of the log shows that reading.
      const again = nodes<Entry>((await app.gql(DOSSIER_LOG, { id: s.dossier.id }, s.tokens.parent)).data?.dossier.accessLog);
      expect(again.find((e) => e.id === events[0].id)).toMatchObject({ action: 'LOG_READ', actorRole: 'client', relationship: 'parent' });
    });

    it('should show the child of 14 the log of their own dossier too, and log that as their LOG_READ', async () => {
      const res = await app.gql(DOSSIER_LOG, { id: s.dossier.id }, s.tokens.child);
      expect(res.errors).toBeUndefined();
      const entries = nodes<Entry>(res.data?.dossier.accessLog);
      expect(entries.map((e) => e.id)).toEqual(expect.arrayContaining([s.readEvent.id, s.glassEvent.id]));
      staffIdentitiesAbsent(res);
      const events = logReads(await eventsOf(app.db.ds, res));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'LOG_READ', outcome: 'GRANTED', relationship: 'child_12_15', actor_person_id: s.child.id, purpose: 'RIGHTS' });
    });

    it('should give a care worker null + FORBIDDEN for accessLog, and log that as a DENIED LOG_READ', async () => {
      const res = await app.gql(DOSSIER_LOG, { id: s.dossier.id }, s.tokens.worker);
      expect(res.data?.dossier.id).toBe(s.dossier.id);
      expect(res.data?.dossier.accessLog).toBeNull();
      expect(codeAt(res, ['dossier', 'accessLog'])).toBe('FORBIDDEN');
      const events = logReads(await eventsOf(app.db.ds, res));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'LOG_READ', outcome: 'DENIED', denied_fields: ['Dossier.accessLog'], granted_fields: [], relationship: 'care_worker' });
    });

    it('should not show a client the log of a dossier they have no relationship to (NOT_FOUND)', async () => {
      const res = await app.gql(DOSSIER_LOG, { id: s.other.dossier.id }, s.tokens.parent);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(res.data?.dossier ?? null).toBeNull();
    });

    it('should let the privacy officer read a dossier’s log, logged as LOG_READ with purpose LOG_REVIEW', async () => {
      const res = await app.gql(DOSSIER_LOG, { id: s.dossier.id }, s.tokens.officer);
      expect(res.errors).toBeUndefined();
      expect(nodes<Entry>(res.data?.dossier.accessLog).map((e) => e.id)).toContain(s.readEvent.id);
      const events = logReads(await eventsOf(app.db.ds, res));
      expect(events).toEqual([expect.objectContaining({ action: 'LOG_READ', outcome: 'GRANTED', actor_role: 'privacy_officer', purpose: 'LOG_REVIEW' })]);
    });
  });

  describe('accessLogEvents for the privacy officer', () => {
    it('should filter by dossierId, newest first, with every field of the event', async () => {
      const expected = await expectedIds('dossier_id = $2', [s.dossier.id]);
      const { res, events } = await search({ dossierId: s.dossier.id });
      expect(res.errors).toBeUndefined();
      expect(events.map((e) => e.id)).toEqual(expected);
      const read = events.find((e) => e.id === s.readEvent.id) as unknown as Record<string, unknown>;
      expect(read).toEqual({
        id: s.readEvent.id, occurredAt: s.readEvent.occurred_at.toISOString(), actorSub: s.worker.subject, actorRole: 'care_worker', relationship: 'care_worker',
        clientApp: null, action: 'READ', dossierId: s.dossier.id, subjectPersonId: s.child.id, grantedFields: s.readEvent.granted_fields, deniedFields: [],
        pseudonymisedFields: [], outcome: 'GRANTED', checkAuthorisation: true, checkCareRelationship: true, checkConsent: false, checkEmergency: false,
        purpose: 'TREAT', legalBasisRef: null, requestId: s.readEvent.request_id, operationName: 'CareRead', sourceAddress: s.readEvent.source_address,
      });
    });

    it('should filter by actorSub', async () => {
      const expected = await expectedIds('actor_sub = $2', [s.oncall.subject]);
      const { events } = await search({ actorSub: s.oncall.subject });
      expect(expected.length).toBeGreaterThanOrEqual(2);
      expect(events.map((e) => e.id)).toEqual(expected);
      expect(new Set(events.map((e) => e.actorSub))).toEqual(new Set([s.oncall.subject]));
    });

    it('should filter by period (from inclusive, to exclusive)', async () => {
      const expected = await expectedIds('occurred_at >= $2 AND occurred_at < $3', [s.t1, s.t2]);
      const { events } = await search({ from: s.t1.toISOString(), to: s.t2.toISOString() });
      expect(events.map((e) => e.id)).toEqual(expected);
      expect(events.map((e) => e.id)).toContain(s.attemptEvent.id);
      expect(events.map((e) => e.id)).not.toContain(s.readEvent.id);
      expect(events.map((e) => e.id)).not.toContain(s.glassEvent.id);
      const after = await search({ from: s.t2.toISOString() });
      expect(after.events.map((e) => e.id)).toEqual(expect.arrayContaining([s.glassEvent.id, s.emergencyEvent.id]));
      expect(after.events.map((e) => e.id)).not.toContain(s.attemptEvent.id);
      const before = await search({ to: s.t1.toISOString() });
      expect(before.events.map((e) => e.id)).toContain(s.readEvent.id);
      expect(before.events.map((e) => e.id)).not.toContain(s.attemptEvent.id);
    });

    it('should filter by outcome', async () => {
      const denied = await expectedIds(`outcome = 'DENIED'`, []);
      const { events } = await search({ outcome: 'DENIED' });
      expect(events.map((e) => e.id)).toEqual(denied);
      expect(events.map((e) => e.id)).toContain(s.attemptEvent.id);
      const granted = await expectedIds(`outcome = 'GRANTED'`, []);
      expect((await search({ outcome: 'GRANTED' })).events.map((e) => e.id)).toEqual(granted);
    });

    it('should filter by emergency', async () => {
      const expected = await expectedIds('check_emergency', []);
      const { events } = await search({ emergency: true });
      expect(events.map((e) => e.id)).toEqual(expected);
      expect(events.map((e) => e.id)).toEqual(expect.arrayContaining([s.glassEvent.id, s.emergencyEvent.id]));
      const normal = await search({ emergency: false });
      expect(normal.events.some((e) => e.checkEmergency)).toBe(false);
      expect(normal.events.map((e) => e.id)).toContain(s.readEvent.id);
    });

    it('should combine filters', async () => {
      const expected = await expectedIds(`dossier_id = $2 AND outcome = 'GRANTED' AND check_emergency`, [s.dossier.id]);
      const { events } = await search({ dossierId: s.dossier.id, outcome: 'GRANTED', emergency: true });
      expect(expected.length).toBeGreaterThanOrEqual(2);
      expect(events.map((e) => e.id)).toEqual(expected);
    });

    it('should page through results without overlap', async () => {
      const all = await expectedIds('dossier_id = $2', [s.dossier.id]);
      const first = await app.gql(SEARCH, { filter: { dossierId: s.dossier.id }, first: 2 }, s.tokens.officer);
      const page1 = nodes<Event>(first.data?.accessLogEvents);
      expect(first.data?.accessLogEvents.pageInfo.hasNextPage).toBe(true);
      const second = await app.gql(SEARCH, { filter: { dossierId: s.dossier.id }, first: 2, after: first.data?.accessLogEvents.pageInfo.endCursor }, s.tokens.officer);
      const page2 = nodes<Event>(second.data?.accessLogEvents);
      expect([...page1, ...page2].map((e) => e.id)).toEqual(all.slice(0, 4));
    });

    it('should log each search as LOG_READ events, one per dossier returned, with purpose LOG_REVIEW', async () => {
      const { res, events } = await search({ actorSub: s.worker.subject });
      const returned = new Set(events.map((e) => e.dossierId));
      expect(returned).toEqual(new Set([s.dossier.id, s.other.dossier.id]));
      const logged = await eventsOf(app.db.ds, res);
      expect(logged.map((e) => e.dossier_id).sort()).toEqual([...returned].sort());
      for (const e of logged) {
        expect(e).toMatchObject({ action: 'LOG_READ', outcome: 'GRANTED', actor_role: 'privacy_officer', purpose: 'LOG_REVIEW', check_authorisation: true, operation_name: 'Search' });
        expect(e.granted_fields.length).toBeGreaterThan(0);
      }
      // A search that finds nothing is logged too.
      const none = await search({ dossierId: randomUUID() });
      expect(none.events).toEqual([]);
      expect(await eventsOf(app.db.ds, none.res)).toHaveLength(1);
    });

    it('should not return another organisation’s events', async () => {
      const other = await anOrganisation(app.db.ds);
      const officer = await app.staffToken(other, StaffRole.PRIVACY_OFFICER, `fg-${randomUUID()}`);
      const byDossier = await search({ dossierId: s.dossier.id }, officer);
      expect(byDossier.res.errors).toBeUndefined();
      expect(byDossier.events).toEqual([]);
      const all = await search({}, officer);
      const ours: { id: string }[] = await app.db.ds.query('SELECT id FROM access_log_event WHERE organisation_id = $1', [s.org.id]);
      const theirs = new Set(all.events.map((e) => e.id));
      expect(ours.filter((e) => theirs.has(e.id))).toEqual([]);
      // Only their own events (here: the log of their own search).
      expect(all.events.every((e) => e.actorSub !== s.worker.subject && e.actorSub !== s.oncall.subject)).toBe(true);
    });

    it('should refuse accessLogEvents to a care worker and a parent (FORBIDDEN, no data)', async () => {
      for (const token of [s.tokens.worker, s.tokens.parent]) {
        const { res } = await search({ dossierId: s.dossier.id }, token);
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.data?.accessLogEvents ?? null).toBeNull();
        expect(res.response.text).not.toContain(s.readEvent.id);
      }
    });
  });

  describe('without MFA', () => {
    it('should refuse a staff token without a multi-factor login as a whole (401), whatever it asks, and log nothing', async () => {
      for (const amr of [['pwd'], undefined]) {
        const token = await app.sign({ sub: `fg-${randomUUID()}`, role: StaffRole.PRIVACY_OFFICER, org: s.org.id, ...(amr ? { amr } : {}) });
        for (const [query, variables] of [[SEARCH, { filter: { dossierId: s.dossier.id }, first: 10 }], [DOSSIER_LOG, { id: s.dossier.id }]] as const) {
          const res = await app.gql(query, variables, token);
          expect(res.status).toBe(401);
          expect(codes(res)).toEqual(['UNAUTHENTICATED']);
          expect(res.errors![0].message).toMatch(/MFA|multi-factor/i);
          expect(res.response.body.data ?? null).toBeNull();
          expect(res.response.text).not.toContain(s.readEvent.id);
          expect(await eventsOf(app.db.ds, res)).toEqual([] as LoggedEvent[]);
        }
      }
    });
  });
});
