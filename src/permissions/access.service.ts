import DataLoader from 'dataloader';
import { createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AuthenticatedViewer, StaffViewer, Viewer } from '../auth/viewer';
import { Dossier, Professional } from '../entities';
import { Category, ConsentKind } from '../entities/enums';
import type { PolicyNarrowing } from '../entities/organisation.entity';
import { consentRequired, forbidden, notFound, unauthenticated } from '../errors/errors';
import type { Loaders } from '../services/loaders';
import { ageOn, dutchToday } from '../util/dates';
import { isUuid } from '../util/ids';
import { preparedQuery } from '../db/prepared';
import { hydrate } from '../services/hydrate';
import type { AccessAction, DecisionRecord } from '../audit/access-log';
import { categoriesOf, decideRead, FieldRef, Grant, mayWrite, Outcome, RowFacts, ViewerFacts, writeReachOf } from './decide';
import { grantSql } from './relationships.sql';
import { HIDDEN_FROM_GROUP, WriteReach } from './policy';
import type { PersonScope } from './scoped';

/** Extra columns of a page row: one relationship row of its dossier (prefixed, beside the dossier's own) and the organisation's narrowing. */
const GRANT_PREFIX = 'kluis_g_';
const GRANT_COLUMNS = ['relationship', 'basis_id', 'categories', 'expires_at', 'professional_id', 'pseudonym_key'] as const;
const NARROWING_COLUMN = 'kluis_narrowing';
/** Each relationship column's name in a page row, spelled once: a caseload page reads six of them on each of its rows. */
const COLUMN = Object.fromEntries(GRANT_COLUMNS.map((c) => [c, `${GRANT_PREFIX}${c}`])) as Record<(typeof GRANT_COLUMNS)[number], string>;

/**
 * A statement giving each dossier row of `page` once per relationship row (`rows`, bound as
 * `g`, which `page` may use) — or once, with NULL relationship columns, when it has none — and
 * the organisation's narrowing of the policy. The relationship rows are computed once and only
 * the page's joined: evaluated per row instead, the relationship joins ran twice per dossier of
 * a caseload page (2.3 ms of PostgreSQL time against 0.6 ms for 50 dossiers). Joined rather
 * than aggregated to JSON per dossier: for a caseload page of 50, `json_agg` and its text took
 * execution from 0.19 to 0.29 ms and the round trip from 0.54 to 0.70 ms. A dossier with two
 * relationships (an assignment and break-the-glass) comes twice; `distinctDossierRows` keeps one.
 *
 * Except where the relationship rows may be most of the organisation (`hasRelationship` given:
 * the privacy officer's are every dossier of it, a municipality's most of them): computed first,
 * a page of 100 cost a probe and a sort over every dossier of the organisation — 17.8 ms of
 * PostgreSQL time a page of the privacy officer's list in an organisation of 10,000. There the
 * page is taken first, walking the dossier index in page order and asking of each dossier
 * whether it has a relationship, which stops at the page's end; then only the page's rows are
 * computed (its ids as one array, which PostgreSQL pushes into every kind of relationship, as
 * for a lookup by id). The rows are the same either way; only the plan differs.
 */
function withGrants(rows: string, page: (visible: string) => string, orgParam: string, hasRelationship?: (dossierId: string) => string): string {
  const ctes = hasRelationship
    ? `page AS (${page(hasRelationship('d.id'))}),
      g AS MATERIALIZED (SELECT * FROM (${rows}) r WHERE r.dossier_id = ANY (ARRAY(SELECT id FROM page)))`
    : `g AS MATERIALIZED (${rows}),
      page AS (${page('d.id IN (SELECT dossier_id FROM g)')})`;
  return `WITH ${ctes}
    SELECT page.*, ${GRANT_COLUMNS.map((c) => `g.${c} AS ${GRANT_PREFIX}${c}`).join(', ')},
      (SELECT policy_narrowing FROM organisation WHERE organisation_id = ${orgParam}) AS ${NARROWING_COLUMN}
    FROM page LEFT JOIN g ON g.dossier_id = page.id`;
}

/** The rows of a `withGrants` statement, each dossier once (in the statement's order), for hydrating. */
export function distinctDossierRows(raw: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<unknown>();
  return raw.filter((r) => !seen.has(r.id) && seen.add(r.id));
}

/** An authorised write whose event is not in the log yet (refused writes have no written paths). */
const isPendingWrite = (d: DecisionRecord) => !d.flushed && d.action !== 'READ' && d.action !== 'LOG_READ' && d.written.size > 0;

/**
 * The one place where access decisions are made for a request (SPEC §15).
 *
 * Relationships are resolved from the data in batches (one statement for all dossiers of a
 * list, through a per-request DataLoader) and kept only for this request and per dossier.
 * Field decisions are then synchronous, and every decision — granted or denied — is recorded
 * here, where it is made, for the access log.
 */
export class AccessService {
  private readonly grantsByDossier = new Map<string, Grant[]>();
  private readonly keys = new Map<string, Buffer>();
  private readonly grantLoader: DataLoader<string, Grant[]>;
  /** Decisions per (dossier, action): what the access log records for this request. */
  readonly decisions = new Map<string, DecisionRecord>();
  /** The READ record per dossier, for the per-field path (the same objects as in `decisions`). */
  private readonly readRecords = new Map<string, DecisionRecord>();
  private readonly subjects = new Map<string, string>();
  private readonly authorisedWrites = new Set<string>();
  private facts: ViewerFacts;
  private narrowing: PolicyNarrowing | undefined;
  private professionalRow?: Promise<Professional>;
  readonly today = dutchToday();

  constructor(
    readonly viewer: Viewer,
    private readonly ds: DataSource,
    private readonly loaders: Loaders,
  ) {
    this.facts = { personId: viewer.kind === 'client' ? viewer.personId : null, professionalId: null };
    this.grantLoader = new DataLoader((ids) => this.loadGrants(ids));
  }

  /**
   * One statement for every dossier asked for in this tick: the dossier rows themselves (primed
   * into the dossier loader, so admitting a dossier costs no second statement), each with its
   * relationship rows, and the organisation's narrowing of the policy.
   */
  private async loadGrants(ids: readonly string[]): Promise<Grant[][]> {
    const viewer = this.authenticated();
    const { sql, params } = grantSql(viewer, this.today);
    // One id (a dossier page) is compared as one value, not as an array: for `= ANY(array)`
    // PostgreSQL's generic plan assumes ten ids, looks dearer than planning for the actual one,
    // and so the prepared statement was planned anew at every execution (~1 ms for a parent's
    // relationships, against 0.1 ms to run the cached plan).
    const one = ids.length === 1;
    params.push(one ? ids[0] : [...ids], viewer.organisationId);
    const org = `$${params.length}`;
    const isListed = (column: string) => (one ? `${column} = $${params.length - 1}::uuid` : `${column} = ANY($${params.length - 1}::uuid[])`);
    const raw = await preparedQuery<Record<string, unknown>>(
      this.ds,
      // The relationship rows filtered to these ids: PostgreSQL pushes the filter into every branch.
      withGrants(`SELECT * FROM (${sql}) r WHERE ${isListed('r.dossier_id')}`, () => `SELECT d.* FROM dossier d WHERE ${isListed('d.id')} AND d.organisation_id = ${org}`, org),
      params,
    );
    const found = new Set<string>();
    for (const d of hydrate(this.ds.manager, Dossier, distinctDossierRows(raw))) {
      this.loaders.dossier.prime(d.id, d);
      found.add(d.id);
    }
    // A missing id is known to be missing too: NOT_FOUND without another statement.
    for (const id of ids) if (!found.has(id)) this.loaders.dossier.prime(id, null);
    return this.grantsOfRaw(ids, raw);
  }

  /** The relationships in a `withGrants` statement's rows, kept for this request (and the facts they carry). */
  private grantsOfRaw(ids: readonly string[], raw: readonly Record<string, unknown>[]): Grant[][] {
    const byDossier = new Map<string, Grant[]>(ids.map((id) => [id, []]));
    let any = false;
    for (const r of raw) {
      const relationship = r[COLUMN.relationship] as Grant['relationship'] | null;
      // A dossier without any relationship comes once, with NULL relationship columns.
      if (relationship === null) continue;
      any = true;
      const basisId = r[COLUMN.basis_id] as string | null;
      const professionalId = r[COLUMN.professional_id] as string | null;
      const pseudonymKey = r[COLUMN.pseudonym_key] as Buffer | null;
      if (professionalId) this.facts.professionalId = professionalId;
      if (pseudonymKey && basisId) this.keys.set(basisId, pseudonymKey);
      byDossier.get(r.id as string)?.push({ relationship, basisId, categories: r[COLUMN.categories] as string[] | null, expiresAt: r[COLUMN.expires_at] as Date | null });
    }
    // Without any relationship nothing is decided, so the narrowing is only needed with rows.
    if (any) this.narrowing = (raw[0][NARROWING_COLUMN] as PolicyNarrowing | null) ?? {};
    return ids.map((id) => {
      let grants = byDossier.get(id)!;
      // An assignment wins over break-the-glass: emergency is only logged when it was needed.
      if (grants.length > 1 && grants.some((g) => g.relationship !== 'emergency')) grants = grants.filter((g) => g.relationship !== 'emergency');
      this.grantsByDossier.set(id, grants);
      return grants;
    });
  }

  private authenticated(): AuthenticatedViewer {
    if (this.viewer.kind === 'anonymous') throw unauthenticated('Authentication required');
    return this.viewer;
  }

  /** The viewer as a staff member, or an error: UNAUTHENTICATED without a token, FORBIDDEN otherwise. */
  requireStaff(): StaffViewer {
    const viewer = this.authenticated();
    if (viewer.kind !== 'staff') throw forbidden('Only staff may do this');
    return viewer;
  }

  /** The viewer's relationships to a dossier (batched with every other dossier asked for in this tick). */
  async grants(dossierId: string): Promise<Grant[]> {
    if (!isUuid(dossierId)) return [];
    return this.grantLoader.load(dossierId);
  }

  /** Relationships of dossiers already admitted in this request; none for anything else (fail closed). */
  grantsLoaded(dossierId: string): readonly Grant[] {
    return this.grantsByDossier.get(dossierId) ?? [];
  }

  /**
   * The row rule: a dossier the viewer has a relationship to. A dossier that does not exist
   * and one the viewer has no relationship to are the same NOT_FOUND (SPEC §1).
   */
  async dossier(id: string, logAsRead = true): Promise<Dossier> {
    this.authenticated();
    if (!isUuid(id)) throw notFound();
    // In this order: loading the relationships primes the dossier loader (one statement for both).
    const grants = await this.grants(id);
    const dossier = await this.loaders.dossier.load(id);
    if (dossier) this.subjects.set(dossier.id, dossier.subjectId);
    // The attempt is a decision too: an existing dossier without a relationship is logged DENIED.
    if (dossier && (logAsRead || grants.length === 0)) this.record(dossier.id, 'READ');
    if (!dossier || grants.length === 0) {
      if (dossier && (await this.hadConsent(dossier.id))) throw consentRequired('The consent for this dossier is not valid now (withdrawn, used, expired or incomplete)');
      throw notFound();
    }
    return dossier;
  }

  /**
   * A `consented` partner that was once given a consent for this dossier already knows it exists:
   * telling it CONSENT_REQUIRED (withdrawn, used, expired) discloses nothing new and says why.
   * Any other partner without a relationship gets NOT_FOUND.
   */
  private async hadConsent(dossierId: string): Promise<boolean> {
    const v = this.viewer;
    if (v.kind !== 'partner' || !v.scopes.includes('consented')) return false;
    const rows = await this.ds.query(
      `SELECT 1 FROM consent WHERE dossier_id = $1 AND organisation_id = $2 AND recipient_client_id = $3 AND kind = '${ConsentKind.DISCLOSURE}' LIMIT 1`,
      [dossierId, v.organisationId, v.clientApp],
    );
    return rows.length > 0;
  }

  /**
   * For listing, with the relationship SQL that answers single-dossier lookups too (a list and a
   * dossier can never disagree): `list(page)` is one statement giving each row of a page of
   * dossiers — `page(visible)` selects the dossiers `d` for which the condition `visible` holds — with their relationships.
   */
  visibleDossiers(): { list(page: (visible: string) => string, orgParam: string): string; params: unknown[] } {
    const { sql, params, hasRelationship } = grantSql(this.authenticated(), this.today);
    return { list: (page, orgParam) => withGrants(sql, page, orgParam, hasRelationship), params };
  }

  /**
   * Admits the dossiers of a list page. With the page's raw rows from `visibleDossiers().list`
   * their relationships are taken from there (no further statement); otherwise loaded in one batch.
   */
  async admit(dossiers: Dossier[], raw?: readonly Record<string, unknown>[]): Promise<void> {
    if (raw) {
      const ids = dossiers.map((d) => d.id);
      this.grantsOfRaw(ids, raw).forEach((grants, i) => this.grantLoader.prime(ids[i], grants));
    } else {
      await this.grantLoader.loadMany(dossiers.map((d) => d.id));
    }
    for (const d of dossiers) {
      this.subjects.set(d.id, d.subjectId);
      this.record(d.id, 'READ');
    }
  }

  /**
   * The decision record of a dossier and action, created on first use — and anew once the
   * previous one is in the log (a second write of the same kind in one request gets its own event).
   */
  record(dossierId: string | null, action: AccessAction): DecisionRecord {
    const key = `${dossierId}|${action}`;
    let d = this.decisions.get(key);
    if (!d || d.flushed) {
      d = {
        dossierId, subjectId: dossierId === null ? null : this.subjects.get(dossierId) ?? null, action,
        grants: dossierId === null ? [] : [...this.grantsLoaded(dossierId)],
        granted: new Set(), denied: new Set(), pseudonymised: new Set(), written: new Set(), flushed: false,
      };
      this.decisions.set(key, d);
    }
    return d;
  }

  /**
   * The field decision: may the viewer read `path` (`Type.field`) of a row in this dossier?
   * Synchronous — relationships were loaded when the dossier was admitted — and recorded.
   */
  readField(dossierId: string, category: Category, path: string, field: FieldRef, row: RowFacts): Outcome {
    const outcome = decideRead(this.grantsLoaded(dossierId), category, field, row, this.facts, this.narrowing);
    const d = category === Category.ACCESS_LOG ? this.record(dossierId, 'LOG_READ') : this.readRecord(dossierId);
    (outcome === 'GRANTED' ? d.granted : outcome === 'PSEUDONYMISED' ? d.pseudonymised : d.denied).add(path);
    return outcome;
  }

  /**
   * The field decision for a rights-request export (SPEC §8): the same policy as reading, for the
   * same viewer, recorded as one EXPORT event per dossier listing every field path handed out
   * (or withheld). Only what is GRANTED goes into the export; a pseudonym never does.
   */
  exportField(dossierId: string, category: Category, path: string, field: FieldRef, row: RowFacts): boolean {
    const outcome = decideRead(this.grantsLoaded(dossierId), category, field, row, this.facts, this.narrowing);
    const d = this.record(dossierId, 'EXPORT');
    (outcome === 'GRANTED' ? d.granted : d.denied).add(path);
    return outcome === 'GRANTED';
  }

  /** The READ record of a dossier on the per-field hot path: no map key to build per field. */
  private readRecord(dossierId: string): DecisionRecord {
    let d = this.readRecords.get(dossierId);
    if (!d || d.flushed) {
      d = this.record(dossierId, 'READ');
      this.readRecords.set(dossierId, d);
    }
    return d;
  }

  /**
   * Facts about a person as reached in a dossier (`inDossier`), for the field decision: computed
   * on the person's first field and kept on its scope for the others. A scope lives for one
   * request, as does this service, so the age is that of this request's day.
   */
  personFacts(scope: PersonScope, person: { id: string; dateOfBirth: string; addressConfidential: boolean }): RowFacts {
    return (scope.facts ??= {
      person: { id: person.id, isSubject: scope.isSubject, viaFamily: !scope.isSubject, minor: ageOn(person.dateOfBirth, this.today) < 18, addressConfidential: person.addressConfidential },
    });
  }

  /**
   * A stable pseudonym for a person within one auditor grant: an HMAC with the grant's own
   * secret, so the same person looks the same throughout an audit and cannot be linked
   * across audits (SPEC §4, §10).
   */
  pseudonym(dossierId: string, personId: string): string | null {
    const grant = this.grantsLoaded(dossierId).find((g) => g.relationship === 'auditor' && g.basisId);
    const key = grant?.basisId ? this.keys.get(grant.basisId) : undefined;
    if (!key) return null;
    return `Pseudoniem ${createHmac('sha256', key).update(personId).digest('hex').slice(0, 10).toUpperCase()}`;
  }

  /**
   * The write rule (SPEC §5): the viewer must hold a relationship to the dossier whose W cell
   * covers every category the write touches. No relationship at all is NOT_FOUND, as for reads.
   */
  async requireWrite(dossierId: string, action: AccessAction, categories: readonly Category[], paths: readonly string[] = [], reaches?: readonly WriteReach[]): Promise<Dossier> {
    const dossier = await this.dossier(dossierId, false);
    const grants = this.grantsLoaded(dossier.id);
    const d = this.record(dossier.id, action);
    // An update naming no data field still changes the row (its version, the dossier's last
    // change): it needs a data W cell in this dossier, or a read-only viewer (a client) could
    // "write" — a consent signature is not such a cell.
    if (categories.length === 0 && !Object.values(Category).some((c) => mayWrite(grants, c, this.narrowing))) {
      for (const p of paths) d.denied.add(p);
      throw forbidden('Not allowed to change this dossier');
    }
    for (const category of categories) {
      if (!mayWrite(grants, category, this.narrowing, reaches)) {
        // A refused write is logged as such (DENIED, with what it tried to change).
        for (const p of paths.length ? paths : [category]) d.denied.add(p);
        throw forbidden(`Not allowed to change ${category} data in this dossier`);
      }
    }
    for (const p of paths) d.written.add(p);
    this.authorisedWrites.add(dossier.id);
    return dossier;
  }

  /** The write reach the viewer holds for a category in an admitted dossier (`sign`, `coSign`, `all`, …). */
  writeReach(dossierId: string, category: Category): WriteReach | undefined {
    return writeReachOf(this.grantsLoaded(dossierId), category, this.narrowing);
  }

  /**
   * Records a write a staff workflow made (intake, break-the-glass) for the access log. Without a
   * dossier (null) for a write that belongs to none, e.g. the organisation's retention settings.
   */
  recordWrite(dossierId: string | null, subjectId: string | null, action: AccessAction, paths: readonly string[], grants?: Grant[]): void {
    if (dossierId !== null && subjectId !== null) this.subjects.set(dossierId, subjectId);
    const d = this.record(dossierId, action);
    if (grants) d.grants = grants;
    for (const p of paths) d.written.add(p);
  }

  /** Records a privacy officer's search of the log (LOG_READ) for a dossier, or for none. */
  recordLogSearch(dossierId: string | null): void {
    const key = `${dossierId}|LOG_READ`;
    if (this.decisions.has(key)) return;
    this.decisions.set(key, {
      dossierId, subjectId: null, action: 'LOG_READ', grants: [], granted: new Set(['AccessLogEvent.*']), denied: new Set(),
      pseudonymised: new Set(), written: new Set(), flushed: false,
    });
  }

  /**
   * Write events not yet in the log: the transaction of the write appends them and then marks
   * them flushed (SPEC §5, §6). Not marked here: `batchFrom` skips flushed records.
   */
  takePendingWrites(): DecisionRecord[] {
    return [...this.decisions.values()].filter(isPendingWrite);
  }

  /**
   * Forgets authorised writes that never committed (the write failed: CONFLICT, BAD_USER_INPUT,
   * a failed log append): no change was made, so there is no write event (SPEC §5).
   */
  dropUncommittedWrites(): void {
    for (const [key, d] of this.decisions) if (isPendingWrite(d)) this.decisions.delete(key);
  }

  /**
   * The dossier a mutation was authorised to change by its write rule in this request. Services
   * call this instead of deciding again; a mutation wired up without a write rule fails closed.
   */
  async writableDossier(id: string): Promise<Dossier> {
    if (!isUuid(id) || !this.authorisedWrites.has(id)) throw forbidden('This change was not authorised');
    return this.dossier(id, false);
  }

  /** A dossier this request just created: its relationships are loaded so its fields can be shown. */
  async admitCreated(dossier: Dossier): Promise<Dossier> {
    await this.admit([dossier]);
    return dossier;
  }

  /** What the viewer may read and write in a dossier (SPEC §12 `myAccess`). */
  access(dossierId: string): { relationships: string[]; expiresAt: Date | null } & ReturnType<typeof categoriesOf> {
    const grants = this.grantsLoaded(dossierId);
    const expiries = grants.map((g) => g.expiresAt).filter((e): e is Date => !!e);
    return {
      relationships: grants.map((g) => g.relationship),
      ...categoriesOf(grants, this.narrowing),
      expiresAt: expiries.length ? new Date(Math.min(...expiries.map((e) => e.getTime()))) : null,
    };
  }

  /** The group (PARENTS, SUBJECT) whose hidden entries must not even be listed for this viewer here. */
  hiddenGroup(dossierId: string): string {
    for (const g of this.grantsLoaded(dossierId)) {
      const group = HIDDEN_FROM_GROUP[g.relationship];
      if (group) return group;
    }
    return '';
  }

  /** Facts about the viewer that decisions depend on (after the first relationship load). */
  viewerFacts(): ViewerFacts {
    return this.facts;
  }

  /**
   * The viewer's Professional row, created on first use: staff are provisioned just in time
   * from the token's `sub`, so the identity provider stays the one place where staff are managed.
   */
  professional(): Promise<Professional> {
    const staff = this.requireStaff();
    this.professionalRow ??= (async () => {
      // INSERT … SELECT: a token naming an organisation Kluis does not know provisions nothing.
      await this.ds.query(
        `INSERT INTO professional (organisation_id, subject, display_name)
         SELECT organisation_id, $2, $2 FROM organisation WHERE organisation_id = $1
         ON CONFLICT (organisation_id, subject) DO NOTHING`,
        [staff.organisationId, staff.sub],
      );
      const row = await this.ds.getRepository(Professional).findOneBy({ organisationId: staff.organisationId, subject: staff.sub });
      if (!row) throw forbidden('Unknown organisation');
      this.facts.professionalId = row.id;
      return row;
    })();
    return this.professionalRow;
  }
}
