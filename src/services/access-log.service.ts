import * as E from '../entities';
import { Category } from '../entities/enums';
import type { Context } from '../context';
import { FIELD_CATEGORIES, isCategory } from '../permissions/fields';
import type { AccessLogFilter } from '../schema/access-log.type';
import type { Connection } from '../schema/pagination';
import { newestEventsSql, OF_DOSSIER } from './access-log.sql';
import { hydrate } from './hydrate';
import { decodeCursor, PageArgs, toConnection } from './pagination';

const ROLE_NL: Record<string, string> = {
  care_worker: 'Een hulpverlener', behavioural_expert: 'Een gedragsdeskundige', admin_support: 'Een administratief medewerker',
  privacy_officer: 'De functionaris gegevensbescherming', auditor: 'Een auditor', client: 'Een cliënt of ouder', partner: 'Een externe organisatie',
};
const ACTION_NL: Record<string, string> = {
  READ: 'bekeek', CREATE: 'legde vast', UPDATE: 'wijzigde', DELETE: 'verwijderde', EXPORT: 'exporteerde', SEARCH: 'zocht in',
  EMERGENCY: 'opende met spoedtoegang', LOG_READ: 'bekeek het inzageoverzicht van',
};
const CATEGORY_NL: Record<string, string> = {
  IDENTITY: 'identiteit', CONTACT: 'contactgegevens', IDENTIFIERS: 'BSN en identiteitsbewijs', FAMILY: 'gezin', CARE: 'zorg',
  WORK_NOTES: 'werkaantekeningen', ENTITLEMENT: 'beschikking', CONSENT: 'toestemmingen', RIGHTS: 'verzoeken', ACCESS_LOG: 'inzageoverzicht',
};

/** The categories of the fields an event lists. */
export function categoriesOfFields(fields: string[]): Category[] {
  const found = new Set<Category>();
  for (const f of fields) {
    const [type, field] = f.split('.');
    const c = FIELD_CATEGORIES[type]?.[field];
    if (isCategory(c)) found.add(c);
  }
  return [...found].sort();
}

/** On what an access rested, in the terms of §4 note 4 (the basis's id stays with the privacy officer). */
function legalBasisOf(e: E.AccessLogEvent): string {
  if (e.checkEmergency) return 'EMERGENCY';
  if (e.relationship.includes('auditor')) return 'AUDIT_GRANT';
  if (e.checkConsent) return 'CONSENT';
  if (e.relationship.includes('partner_')) return 'LEGAL_DUTY';
  if (e.checkCareRelationship || e.relationship === 'privacy_officer') return 'CARE_RELATIONSHIP';
  if (e.actorRole === 'client') return 'RIGHT_OF_ACCESS';
  return 'NONE';
}

/**
 * An event as the client sees it: when, which organisation, who in which role, which data,
 * which action, why, on what basis — no staff identities, and nothing about work notes (they
 * are outside every right of access, their existence included).
 */
export function toEntry(e: E.AccessLogEvent) {
  const fields = [...e.grantedFields, ...e.pseudonymisedFields].filter((f) => categoriesOfFields([f])[0] !== Category.WORK_NOTES);
  const categories = categoriesOfFields(fields);
  const who = ROLE_NL[e.actorRole] ?? 'Iemand';
  const what = categories.length ? ` (${categories.map((c) => CATEGORY_NL[c]).join(', ')})` : '';
  return {
    id: e.id, occurredAt: e.occurredAt, actorRole: e.actorRole, relationship: e.relationship, action: e.action, categories, fields,
    outcome: e.outcome, purpose: e.purpose, emergency: e.checkEmergency, dossierId: e.dossierId, organisationId: e.organisationId, legalBasis: legalBasisOf(e),
    summary: e.outcome === 'DENIED' ? `${who} probeerde het dossier te openen; dat werd geweigerd.` : `${who} ${ACTION_NL[e.action] ?? 'gebruikte'} het dossier${what}.`,
  };
}

/**
 * The privacy officer's search (SPEC §6): by dossier, actor, period, outcome and emergency,
 * newest first. The search itself is logged: one LOG_READ event per dossier whose events it
 * returned (or one without a dossier when it returned none).
 */
export async function searchAccessLog(ctx: Context, filter: AccessLogFilter, page: PageArgs): Promise<Connection<E.AccessLogEvent>> {
  const staff = ctx.access.requireStaff();
  const params: unknown[] = [staff.organisationId];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const where = ['t.organisation_id = $1'];
  if (filter.dossierId) where.push(OF_DOSSIER(p(filter.dossierId)));
  if (filter.actorSub) where.push(`t.actor_sub = ${p(filter.actorSub)}`);
  if (filter.from) where.push(`t.occurred_at >= ${p(filter.from)}`);
  if (filter.to) where.push(`t.occurred_at < ${p(filter.to)}`);
  if (filter.outcome) where.push(`t.outcome = ${p(filter.outcome)}`);
  if (filter.emergency !== undefined && filter.emergency !== null) where.push(`t.check_emergency = ${p(filter.emergency)}`);
  if (page.after) {
    const [at, id] = decodeCursor(page.after, 2);
    where.push(`(t.occurred_at, t.id) < (${p(at)}, ${p(id)})`);
  }
  const limit = p(page.first + 1);
  // One dossier's events through the GIN index; the organisation's, newest first through the time index.
  const raw = await ctx.ds.query(
    filter.dossierId ? newestEventsSql(where.join(' AND '), limit) : `SELECT * FROM access_log_event t WHERE ${where.join(' AND ')} ORDER BY t.occurred_at DESC, t.id DESC LIMIT ${limit}`,
    params,
  );
  const rows = hydrate(ctx.ds.manager, E.AccessLogEvent, raw);
  const dossiers = new Set(rows.slice(0, page.first).map((r) => r.dossierId));
  if (!dossiers.size) dossiers.add(filter.dossierId ?? null);
  for (const d of dossiers) ctx.access.recordLogSearch(d);
  return toConnection(rows, page.first, (r) => [r.occurredAt.toISOString(), r.id]);
}
