import type { AuthenticatedViewer } from '../auth/viewer';
import { AssignmentRole, ConsentKind, SignerCapacity, StaffRole } from '../entities/enums';
import { addMonths } from '../util/dates';

/**
 * SQL that lists a viewer's relationships to dossiers, derived from the data (SPEC §1): one row
 * per (dossier, relationship) with the basis of the access. Each branch starts from the most
 * selective table for its kind of viewer (assignments, grants, family rows) so that it stays
 * cheap in an organisation with many dossiers.
 *
 * The same statement answers both questions the access service asks: "what are the
 * relationships to these dossiers?" (filtered by id, batched per request) and "which dossiers
 * may this viewer list?" (as a subquery) — so a list and a single dossier can never disagree.
 *
 * Columns: dossier_id, relationship, basis_id, categories, expires_at, professional_id, pseudonym_key.
 */
export interface GrantSql {
  /** A UNION of one SELECT per kind of relationship the viewer can have (never empty). */
  sql: string;
  params: unknown[];
  /**
   * Only where the rows may be as many as the organisation has dossiers (the privacy officer; a
   * partner with the verwijsindex or municipality scope), so that a list takes its page first and
   * computes only the page's rows, rather than compute them all first: SQL that is true when the
   * dossier whose id is `dossierId` (an expression of the enclosing statement) has a relationship
   * row. One EXISTS per kind of relationship, OR-ed, so that PostgreSQL asks each with the id as
   * a parameter (by index) and stops at the first that holds. One EXISTS over the UNION instead
   * could not be asked per dossier: PostgreSQL computed every row of the UNION and hashed them (a
   * page at 3,000 dossiers touched all 3,000). `OFFSET 0` keeps each EXISTS asked per dossier:
   * without it PostgreSQL may plan it as the hashed set of every dossier that has such a
   * relationship, costed as if every dossier would be asked — which a list that stops at its
   * page's end never does.
   */
  hasRelationship?: (dossierId: string) => string;
}

/** One SELECT of the UNION; `dossierFilter` when it is a filter of the organisation's dossier table. */
interface Branch {
  sql: string;
  dossierFilter?: true;
}

/** A relationship every dossier of the organisation has that meets `condition` (SQL over the dossier `d`). */
interface DossierCondition {
  relationship: string;
  condition: string;
}

/**
 * The relationships that are conditions on the dossier row, as one SELECT over the dossier table:
 * a dossier meeting several comes once per relationship. Folded rather than one SELECT per
 * relationship in a UNION, so that a list walking the dossier index asks each dossier one
 * question for all of them (`hasRelationship`), not one per relationship.
 */
function dossierFilter(org: string, conditions: DossierCondition[]): Branch[] {
  if (conditions.length === 0) return [];
  const [one] = conditions;
  const sql = conditions.length === 1
    ? `SELECT d.id AS dossier_id, ${COLS(one.relationship)} FROM dossier d WHERE d.organisation_id = ${org} AND ${one.condition}`
    : `SELECT d.id AS dossier_id, ${COLS('r.relationship')}
      FROM dossier d CROSS JOIN LATERAL (VALUES ${conditions.map((c) => `('${c.relationship}'::text, ${c.condition})`).join(', ')}) AS r(relationship, holds)
      WHERE d.organisation_id = ${org} AND r.holds`;
  return [{ sql, dossierFilter: true }];
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

interface Cols {
  basis?: string;
  categories?: string;
  expires?: string;
  professional?: string;
  secret?: string;
}

/** The common columns; `relationship` is a literal name or a SQL expression yielding one. */
const COLS = (relationship: string, c: Cols = {}) =>
  `${/^[a-z_0-9]+$/.test(relationship) ? `'${relationship}'::text` : relationship} AS relationship, ${c.basis ?? 'NULL::uuid'} AS basis_id, ` +
  `${c.categories ?? 'NULL::varchar[]'} AS categories, ${c.expires ?? 'NULL::timestamptz'} AS expires_at, ` +
  `${c.professional ?? 'NULL::uuid'} AS professional_id, ${c.secret ?? 'NULL::bytea'} AS pseudonym_key`;

const ASSIGNMENT_ROLE: Partial<Record<StaffRole, AssignmentRole>> = {
  [StaffRole.CARE_WORKER]: AssignmentRole.CARE_WORKER,
  [StaffRole.BEHAVIOURAL_EXPERT]: AssignmentRole.BEHAVIOURAL_EXPERT,
  [StaffRole.ADMIN_SUPPORT]: AssignmentRole.ADMIN_SUPPORT,
};

/**
 * A consent that counts on `day` (SPEC §7): complete (no signature awaited, at least one given),
 * not withdrawn, not used up, within its period — and every parent who signed it still has
 * custody, because custody is re-checked at every use. `c` is the consent's alias, `day` a
 * parameter placeholder holding the Dutch date. The one definition for partner reads and
 * recorded disclosures alike.
 */
export const CONSENT_USABLE = (c: string, day: string): string =>
  `${c}.withdrawn_at IS NULL AND ${c}.consumed_at IS NULL AND ${c}.awaiting_signature IS NULL
   AND (${c}.valid_from IS NULL OR ${c}.valid_from <= ${day}::date) AND (${c}.valid_until IS NULL OR ${c}.valid_until >= ${day}::date)
   AND EXISTS (SELECT 1 FROM consent_signature cs WHERE cs.consent_id = ${c}.id)
   AND NOT EXISTS (SELECT 1 FROM consent_signature cs WHERE cs.consent_id = ${c}.id AND cs.capacity = '${SignerCapacity.PARENT_WITH_CUSTODY}'
     AND NOT EXISTS (SELECT 1 FROM family_member fm WHERE fm.dossier_id = ${c}.dossier_id AND fm.person_id = cs.person_id AND fm.has_custody))`;

/** Roles that may break the glass (§9). */
export const EMERGENCY_ROLES: ReadonlySet<StaffRole> = new Set([StaffRole.CARE_WORKER, StaffRole.BEHAVIOURAL_EXPERT]);

function staffBranches(viewer: Extract<AuthenticatedViewer, { kind: 'staff' }>, p: Params): Branch[] {
  const org = p.add(viewer.organisationId);
  if (viewer.role === StaffRole.PRIVACY_OFFICER) {
    // Organisation-wide, but the policy gives the privacy officer only a few categories.
    return dossierFilter(org, [{ relationship: 'privacy_officer', condition: 'true' }]);
  }
  const sub = p.add(viewer.sub);
  if (viewer.role === StaffRole.AUDITOR) {
    return [{ sql: `SELECT x.dossier_id, ${COLS('auditor', { basis: 'g.id', categories: 'g.categories', expires: 'g.valid_until', secret: 'g.pseudonym_key' })}
      FROM auditor_grant g CROSS JOIN LATERAL unnest(g.dossier_ids) AS x(dossier_id)
      WHERE g.organisation_id = ${org} AND g.auditor_subject = ${sub} AND g.revoked_at IS NULL AND g.valid_from <= now() AND g.valid_until > now()` }];
  }
  const branches: Branch[] = [];
  const role = ASSIGNMENT_ROLE[viewer.role];
  if (role) {
    // The assignment must be in the role the token acts in: a care worker is not let in on an
    // assignment as behavioural expert, and an ended assignment opens nothing.
    branches.push({ sql: `SELECT a.dossier_id, ${COLS(viewer.role, { expires: 'a.valid_until', professional: 'p.id' })}
      FROM professional p JOIN care_team_assignment a ON a.professional_id = p.id
      WHERE p.organisation_id = ${org} AND p.subject = ${sub} AND a.organisation_id = ${org} AND a.role = ${p.add(role)}
        AND a.valid_from <= now() AND (a.valid_until IS NULL OR a.valid_until > now())` });
  }
  if (EMERGENCY_ROLES.has(viewer.role)) {
    branches.push({ sql: `SELECT e.dossier_id, ${COLS('emergency', { basis: 'e.id', expires: 'e.expires_at', professional: 'p.id' })}
      FROM professional p JOIN emergency_access e ON e.professional_id = p.id
      WHERE p.organisation_id = ${org} AND p.subject = ${sub} AND e.organisation_id = ${org} AND e.started_at <= now() AND e.expires_at > now()` });
  }
  return branches;
}

function clientBranches(viewer: Extract<AuthenticatedViewer, { kind: 'client' }>, today: string, p: Params): Branch[] {
  const org = p.add(viewer.organisationId);
  const person = p.add(viewer.personId);
  // Ages on today's Dutch calendar day: born on or before these dates means 12+ / 16+.
  const born12 = p.add(addMonths(today, -12 * 12));
  const born16 = p.add(addMonths(today, -16 * 12));
  const day = p.add(today);
  return [
    { sql: `SELECT d.id AS dossier_id, ${COLS(`(CASE WHEN s.date_of_birth <= ${born16}::date THEN 'youth_16_plus' ELSE 'child_12_15' END)`)}
     FROM dossier d JOIN person s ON s.id = d.subject_id
     WHERE d.organisation_id = ${org} AND d.subject_id = ${person} AND s.date_of_birth <= ${born12}::date` },
    // Custody is read from the family record at every request; a parent of a youth of 16+ reads
    // only under that youth's PARENTAL_ACCESS consent naming this parent.
    { sql: `SELECT d.id AS dossier_id, ${COLS('parent', { basis: 'pa.id' })}
     FROM family_member fm
     JOIN dossier d ON d.id = fm.dossier_id
     JOIN person s ON s.id = d.subject_id
     LEFT JOIN LATERAL (
       SELECT c.id FROM consent c
       WHERE c.dossier_id = d.id AND c.kind = '${ConsentKind.PARENTAL_ACCESS}' AND c.recipient_person_id = ${person} AND ${CONSENT_USABLE('c', day)}
       ORDER BY c.given_at DESC LIMIT 1
     ) pa ON true
     WHERE fm.organisation_id = ${org} AND fm.person_id = ${person} AND fm.has_custody AND (s.date_of_birth > ${born16}::date OR pa.id IS NOT NULL)` },
  ];
}

function partnerBranches(viewer: Extract<AuthenticatedViewer, { kind: 'partner' }>, today: string, p: Params): Branch[] {
  const org = p.add(viewer.organisationId);
  const conditions: DossierCondition[] = [];
  if (viewer.scopes.includes('verwijsindex')) {
    conditions.push({ relationship: 'partner_verwijsindex', condition: 'd.verwijsindex_signal_on IS NOT NULL' });
  }
  let dayParam: string | undefined;
  const day = () => (dayParam ??= p.add(today));
  if (viewer.scopes.includes('municipality')) {
    // Most dossiers of an organisation may have an entitlement: a condition on the dossier (not
    // the distinct dossiers of the entitlements), so that a list walks the dossier index (a page
    // at 10,000 dossiers: 24 → 1.9 ms) and a lookup by id probes only its dossiers.
    conditions.push({
      relationship: 'partner_municipality',
      condition: `EXISTS (SELECT 1 FROM entitlement en WHERE en.dossier_id = d.id AND en.organisation_id = ${org}
        AND en.valid_from <= ${day()}::date AND (en.valid_until IS NULL OR en.valid_until >= ${day()}::date))`,
    });
  }
  const branches = dossierFilter(org, conditions);
  if (viewer.scopes.includes('consented')) {
    branches.push({ sql: `SELECT c.dossier_id, ${COLS('partner_consented', { basis: 'c.id', categories: 'c.categories' })} FROM consent c
      WHERE c.organisation_id = ${org} AND c.kind = '${ConsentKind.DISCLOSURE}' AND c.recipient_client_id = ${p.add(viewer.clientApp)}
        AND ${CONSENT_USABLE('c', day())}` });
  }
  return branches;
}

/** The relationship rows of a viewer, as of today's Dutch date. */
export function grantSql(viewer: AuthenticatedViewer, today: string): GrantSql {
  const p = new Params();
  const branches =
    viewer.kind === 'staff' ? staffBranches(viewer, p) : viewer.kind === 'client' ? clientBranches(viewer, today, p) : partnerBranches(viewer, today, p);
  // Every viewer the token verifier admits has at least one kind of relationship (a partner token
  // needs a partner scope); one without would be a verifier bug, and failing the request is the
  // closed answer, rather than a statement that silently lists nothing.
  if (branches.length === 0) throw new Error(`grantSql: a ${viewer.kind} viewer without any kind of relationship`);
  return {
    sql: branches.map((b) => b.sql).join('\nUNION ALL\n'),
    params: p.values,
    hasRelationship: branches.some((b) => b.dossierFilter)
      ? (dossierId) => `(${branches.map((b) => `EXISTS (SELECT 1 FROM (${b.sql}) b WHERE b.dossier_id = ${dossierId} OFFSET 0)`).join(' OR ')})`
      : undefined,
  };
}
