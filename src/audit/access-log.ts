import { createHmac, randomInt } from 'node:crypto';
import type { AuthenticatedViewer, Viewer } from '../auth/viewer';
import type { Grant } from '../permissions/decide';
import { PURPOSE } from '../permissions/policy';
import type { PartnerDisclosure } from './partner-disclosures';

export type AccessAction = 'CREATE' | 'READ' | 'UPDATE' | 'DELETE' | 'EXPORT' | 'SEARCH' | 'EMERGENCY' | 'LOG_READ';

export const CHAIN_SHARDS = 16;

/** Everything decided about one dossier and one action in one request (SPEC §6). */
export interface DecisionRecord {
  dossierId: string | null;
  subjectId: string | null;
  action: AccessAction;
  grants: readonly Grant[];
  granted: Set<string>;
  denied: Set<string>;
  pseudonymised: Set<string>;
  /** Field paths a write changed. */
  written: Set<string>;
  /** Written to the log already (writes commit their event inside their own transaction). */
  flushed: boolean;
}

/** Who asked, from where, in which request: the same for every event of a request. */
export interface RequestMeta {
  requestId: string;
  operationName: string | null;
  sourceAddress: string | null;
}

/** One row of the access log as appended. Never a field value, never a token (SPEC §6). */
export interface AccessLogEventInput {
  organisation_id: string;
  occurred_at: string;
  actor_sub: string;
  actor_role: string;
  relationship: string;
  actor_person_id: string | null;
  client_app: string | null;
  action: AccessAction;
  dossier_id: string | null;
  subject_person_id: string | null;
  granted_fields: string[];
  denied_fields: string[];
  pseudonymised_fields: string[];
  outcome: 'GRANTED' | 'DENIED';
  check_authorisation: boolean;
  check_care_relationship: boolean;
  check_consent: boolean;
  check_emergency: boolean;
  purpose: string;
  legal_basis_ref: string | null;
  request_id: string;
  operation_name: string | null;
  source_address: string | null;
}

/** The fields that are hashed, in a fixed order: the canonical form of an event. */
export const EVENT_FIELDS: (keyof AccessLogEventInput)[] = [
  'organisation_id', 'occurred_at', 'actor_sub', 'actor_role', 'relationship', 'actor_person_id', 'client_app', 'action', 'dossier_id',
  'subject_person_id', 'granted_fields', 'denied_fields', 'pseudonymised_fields', 'outcome', 'check_authorisation',
  'check_care_relationship', 'check_consent', 'check_emergency', 'purpose', 'legal_basis_ref', 'request_id', 'operation_name', 'source_address',
];

/** The canonical text of an event: what its batch HMAC covers. */
export function canonical(e: AccessLogEventInput): string {
  return JSON.stringify(EVENT_FIELDS.map((f) => e[f]));
}

/** HMAC over the canonical events of one request's batch, in order. */
export function batchMac(key: Buffer, events: AccessLogEventInput[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const e of events) mac.update(canonical(e)).update('\n');
  return mac.digest();
}

const CARE_RELATIONSHIPS = new Set(['care_worker', 'behavioural_expert', 'admin_support']);
const PARTNER_PURPOSE: Record<string, string> = { verwijsindex: 'VERWIJSINDEX', municipality: 'BILLING', consented: 'CONSENTED_SHARE' };

function purposeOf(viewer: AuthenticatedViewer, action: AccessAction, grants: readonly Grant[]): string {
  if (action === 'LOG_READ') return viewer.kind === 'staff' ? 'LOG_REVIEW' : 'RIGHTS';
  if (grants.length) return PURPOSE[grants[0].relationship];
  if (viewer.kind === 'client') return 'RIGHTS';
  if (viewer.kind === 'partner') return PARTNER_PURPOSE[viewer.scopes[0]];
  return viewer.role === 'auditor' ? 'AUDIT' : viewer.role === 'privacy_officer' ? 'RIGHTS' : 'TREAT';
}

const sorted = (s: Set<string>) => [...s].sort();
const clip = (s: string | null, n: number) => (s === null ? null : s.slice(0, n));

/**
 * The events of a request: one per (dossier, action), listing every field path decided —
 * granted, denied and pseudonymised — with the four NEN 7513 checks, purpose and legal basis.
 */
export function eventsFrom(records: Iterable<DecisionRecord>, viewer: Viewer, meta: RequestMeta, now = new Date()): AccessLogEventInput[] {
  if (viewer.kind === 'anonymous') return [];
  const events: AccessLogEventInput[] = [];
  for (const r of records) {
    if (r.flushed) continue;
    const anyGranted = r.granted.size + r.pseudonymised.size + r.written.size > 0 || (r.denied.size === 0 && r.grants.length > 0);
    const relationships = [...new Set(r.grants.map((g) => g.relationship))];
    const basis = r.grants.find((g) => g.basisId)?.basisId ?? null;
    events.push({
      organisation_id: viewer.organisationId,
      occurred_at: now.toISOString(),
      actor_sub: viewer.sub,
      actor_role: viewer.kind === 'staff' ? viewer.role : viewer.kind,
      relationship: relationships.join(',') || 'none',
      actor_person_id: viewer.kind === 'client' ? viewer.personId : null,
      client_app: viewer.clientApp,
      action: r.action,
      dossier_id: r.dossierId,
      subject_person_id: r.subjectId,
      granted_fields: [...new Set([...sorted(r.granted), ...sorted(r.written)])],
      denied_fields: sorted(r.denied),
      pseudonymised_fields: sorted(r.pseudonymised),
      outcome: anyGranted ? 'GRANTED' : 'DENIED',
      check_authorisation: anyGranted,
      check_care_relationship: relationships.some((x) => CARE_RELATIONSHIPS.has(x)),
      check_consent: relationships.includes('partner_consented') || (relationships.includes('parent') && basis !== null),
      check_emergency: relationships.includes('emergency'),
      purpose: purposeOf(viewer, r.action, r.grants),
      legal_basis_ref: basis,
      request_id: meta.requestId,
      operation_name: clip(meta.operationName, 200),
      source_address: clip(meta.sourceAddress, 64),
    });
  }
  return events;
}

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The append function's signature: what `REVOKE/GRANT EXECUTE` statements must name. */
export const APPEND_FUNCTION =
  'kluis_append_access_log(uuid, integer, bytea, timestamptz, text, text, uuid, text, text, text, text, uuid[], uuid[], integer[], text[], text[], text[], text[], text[], text[], boolean[], boolean[], boolean[], boolean[], text[], text[])';

/** What the events of one request have in common per dossier: sent once per distinct value. */
const SHAPE_FIELDS = [
  'action', 'relationship', 'granted_fields', 'denied_fields', 'pseudonymised_fields', 'outcome', 'check_authorisation',
  'check_care_relationship', 'check_consent', 'check_emergency', 'purpose', 'legal_basis_ref',
] as const;

/**
 * Splits a request's events into per-event (dossier, subject, shape number) and the distinct
 * shapes. A list of 200 dossiers read alike is one shape, so the statement carries 200 ids
 * instead of 200 copies of every field list (see migration 1764000004000).
 */
function shapesOf(events: AccessLogEventInput[]): { shapeOf: number[]; shapes: unknown[][] } {
  const index = new Map<string, number>();
  const shapes: unknown[][] = SHAPE_FIELDS.map(() => []);
  const shapeOf = events.map((e) => {
    const values = SHAPE_FIELDS.map((f) => (Array.isArray(e[f]) ? (e[f] as string[]).join(',') : e[f]));
    const key = values.join('\u0001');
    let n = index.get(key);
    if (n === undefined) {
      values.forEach((v, i) => shapes[i].push(v));
      n = shapes[0].length;
      index.set(key, n);
    }
    return n;
  });
  return { shapeOf, shapes };
}

/**
 * Appends a request's events in one statement (SPEC §6: one round trip per request, whatever
 * the number of fields or dossiers). The batch is HMAC'd here and chained by the database. The
 * request's shared facts travel once, the per-dossier facts as their distinct shapes plus one
 * (dossier, subject, shape) triple per event.
 */
export async function appendEvents(db: Queryable, key: Buffer, events: AccessLogEventInput[], disclosures: readonly PartnerDisclosure[] = []): Promise<void> {
  if (!events.length) return;
  const e0 = events[0];
  if (events.some((e) => e.organisation_id !== e0.organisation_id || e.request_id !== e0.request_id || e.occurred_at !== e0.occurred_at)) {
    throw new Error('an access-log batch belongs to one request of one organisation');
  }
  const { shapeOf, shapes } = shapesOf(events);
  const params: unknown[] = [
    e0.organisation_id, randomInt(CHAIN_SHARDS), batchMac(key, events), e0.occurred_at, e0.actor_sub, e0.actor_role, e0.actor_person_id,
    e0.client_app, e0.request_id, e0.operation_name, e0.source_address, events.map((e) => e.dossier_id), events.map((e) => e.subject_person_id),
    shapeOf, ...shapes,
  ];
  const append = `SELECT kluis_append_access_log($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::uuid[], $13::uuid[], $14::integer[],
       $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::boolean[], $22::boolean[], $23::boolean[],
       $24::boolean[], $25::text[], $26::text[])`;
  if (!disclosures.length) {
    await db.query(append, params);
    return;
  }
  // A partner's read: its disclosure records, and the use of a SINGLE_EXCHANGE consent, commit in
  // the same statement as the log events — still one round trip, and all or nothing (SPEC §7).
  params.push(
    disclosures.map((d) => d.dossierId), disclosures.map((d) => d.categories.join(',')), disclosures.map((d) => d.legalBasis),
    disclosures.map((d) => d.consentId), disclosures.map((d) => d.legalDuty),
  );
  await db.query(
    `WITH disclosed AS (
       INSERT INTO disclosure (organisation_id, dossier_id, recipient_name, recipient_client_id, categories, disclosed_at, legal_basis, consent_id, legal_duty)
       SELECT $1, d.dossier_id, $8, $8, string_to_array(d.categories, ','), $4, d.basis, d.consent_id, d.duty
       FROM unnest($27::uuid[], $28::text[], $29::text[], $30::uuid[], $31::text[]) AS d(dossier_id, categories, basis, consent_id, duty)
       RETURNING consent_id
     ), used AS (
       UPDATE consent SET consumed_at = $4 WHERE id IN (SELECT consent_id FROM disclosed) AND scope = 'SINGLE_EXCHANGE' AND consumed_at IS NULL
     )
     ${append}`,
    params,
  );
}
