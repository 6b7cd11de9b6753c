import { createHmac, randomFillSync, randomInt } from 'node:crypto';
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

/** What every event of one request shares: who asked, from where, when (SPEC §6). */
export interface RequestFacts {
  organisation_id: string;
  occurred_at: string;
  actor_sub: string;
  actor_role: string;
  actor_person_id: string | null;
  client_app: string | null;
  request_id: string;
  operation_name: string | null;
  source_address: string | null;
}

/** What was decided about one dossier: the part events of a request have in common when they were decided alike. */
export interface EventShape {
  action: AccessAction;
  relationship: string;
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
}

/** One row of the access log as appended. Never a field value, never a token (SPEC §6). */
export interface AccessLogEventInput extends RequestFacts, EventShape {
  dossier_id: string | null;
  subject_person_id: string | null;
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

/**
 * HMAC over the canonical events of one batch, in order: the definition `audit:verify` checks
 * stored events against (`batchMac` computes the same from a batch's shapes).
 */
export function eventsMac(key: Buffer, events: readonly AccessLogEventInput[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const e of events) mac.update(canonical(e)).update('\n');
  return mac.digest();
}

/**
 * A request's events as they are appended (migration 1764000005000): the request's facts once,
 * each distinct shape once, and per event only its dossier, subject and shape (index into `shapes`).
 */
export interface EventBatch {
  request: RequestFacts;
  shapes: EventShape[];
  dossierIds: (string | null)[];
  subjectIds: (string | null)[];
  shapeOf: number[];
}

/** The events a batch stands for, one by one (as the access_log_event view shows them). */
export function eventsOfBatch(b: EventBatch): AccessLogEventInput[] {
  return b.shapeOf.map((n, i) => ({ ...b.request, ...b.shapes[n], dossier_id: b.dossierIds[i], subject_person_id: b.subjectIds[i] }));
}

const REQUEST_FIELDS: (keyof RequestFacts)[] = [
  'organisation_id', 'occurred_at', 'actor_sub', 'actor_role', 'actor_person_id', 'client_app', 'request_id', 'operation_name', 'source_address',
];
const SHAPE_FIELDS: (keyof EventShape)[] = [
  'action', 'relationship', 'granted_fields', 'denied_fields', 'pseudonymised_fields', 'outcome', 'check_authorisation',
  'check_care_relationship', 'check_consent', 'check_emergency', 'purpose', 'legal_basis_ref',
];

/**
 * The HMAC of a batch, equal to `eventsMac` over its events: an event's canonical text is its
 * shape's text around its own dossier and subject, so each shape is serialised once, not per
 * event (a caseload of 200 dossiers is 200 events of one shape).
 */
export function batchMac(key: Buffer, batch: EventBatch): Buffer {
  // Markers in place of the per-event values cut the canonical text of each shape in two.
  const D = '\u0000dossier';
  const S = '\u0000subject';
  const cut = `${JSON.stringify(D)},${JSON.stringify(S)}`;
  const around = batch.shapes.map((shape) => canonical({ ...batch.request, ...shape, dossier_id: D, subject_person_id: S }).split(cut));
  // Only if some value of the request itself serialised like the markers: the plain way.
  if (around.some((parts) => parts.length !== 2)) return eventsMac(key, eventsOfBatch(batch));
  // One update per event: one text of the whole batch has to be flattened into a string of its
  // own before it is hashed (past 128 kB in V8's large-object space). Measured for a batch of 200
  // events, 177 µs against 250; for 50 the two are equal.
  const mac = createHmac('sha256', key);
  for (let i = 0; i < batch.shapeOf.length; i += 1) {
    const [head, tail] = around[batch.shapeOf[i]];
    mac.update(`${head}${JSON.stringify(batch.dossierIds[i])},${JSON.stringify(batch.subjectIds[i])}${tail}\n`);
  }
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
 * What was decided about one dossier: every field path granted, denied and pseudonymised, with
 * the four NEN 7513 checks, purpose and legal basis.
 */
function shapeOf(r: DecisionRecord, viewer: AuthenticatedViewer): EventShape {
  const anyGranted = r.granted.size + r.pseudonymised.size + r.written.size > 0 || (r.denied.size === 0 && r.grants.length > 0);
  const relationships = [...new Set(r.grants.map((g) => g.relationship))];
  const basis = r.grants.find((g) => g.basisId)?.basisId ?? null;
  return {
    action: r.action,
    relationship: relationships.join(',') || 'none',
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
  };
}

/** Everything a shape is computed from, in the order the request met it (no sorting: that is done once per shape). */
function recordKey(r: DecisionRecord): string {
  let key = r.action;
  for (const g of r.grants) key += `\u0001${g.relationship}\u0002${g.basisId ?? ''}`;
  for (const set of [r.granted, r.denied, r.pseudonymised, r.written]) {
    key += '\u0003';
    for (const f of set) key += `${f},`;
  }
  return key;
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
};

/** Whether two records yield the same shape: everything `shapeOf` reads from a record is equal (field sets in any order). */
function decidedAlike(a: DecisionRecord, b: DecisionRecord): boolean {
  if (a.action !== b.action || a.grants.length !== b.grants.length) return false;
  for (let i = 0; i < a.grants.length; i += 1) {
    if (a.grants[i].relationship !== b.grants[i].relationship || a.grants[i].basisId !== b.grants[i].basisId) return false;
  }
  return sameSet(a.granted, b.granted) && sameSet(a.denied, b.denied) && sameSet(a.pseudonymised, b.pseudonymised) && sameSet(a.written, b.written);
}

/** An empty batch of a request, with the two steps that fill it: numbering a shape (equal shapes once) and adding an event. */
function newBatch(request: RequestFacts) {
  const batch: EventBatch = { request, shapes: [], dossierIds: [], subjectIds: [], shapeOf: [] };
  const byShape = new Map<string, number>();
  return {
    batch,
    shapeNumber(shape: EventShape): number {
      const key = JSON.stringify(SHAPE_FIELDS.map((f) => shape[f]));
      let n = byShape.get(key);
      if (n === undefined) {
        n = batch.shapes.push(shape) - 1;
        byShape.set(key, n);
      }
      return n;
    },
    add(dossierId: string | null, subjectId: string | null, shape: number): void {
      batch.dossierIds.push(dossierId);
      batch.subjectIds.push(subjectId);
      batch.shapeOf.push(shape);
    },
  };
}

/**
 * The batch of a request's events: one per (dossier, action) not yet written, each with its
 * shape. Records decided alike share a shape, found by a key over their unsorted decisions, so a
 * list of 200 dossiers costs 200 string keys and one sorted shape — not 200.
 */
export function batchFrom(records: Iterable<DecisionRecord>, viewer: Viewer, meta: RequestMeta, now = new Date()): EventBatch | null {
  if (viewer.kind === 'anonymous') return null;
  const { batch, shapeNumber, add } = newBatch({
    organisation_id: viewer.organisationId,
    occurred_at: now.toISOString(),
    actor_sub: viewer.sub,
    actor_role: viewer.kind === 'staff' ? viewer.role : viewer.kind,
    actor_person_id: viewer.kind === 'client' ? viewer.personId : null,
    client_app: viewer.clientApp,
    request_id: meta.requestId,
    operation_name: clip(meta.operationName, 200),
    source_address: clip(meta.sourceAddress, 64),
  });
  const byRecord = new Map<string, number>();
  let previous: { record: DecisionRecord; shape: number } | undefined;
  for (const r of records) {
    if (r.flushed) continue;
    // A list's records come in a row decided alike: comparing with the one before costs a few
    // set lookups, where a key costs a string of every field path of the record.
    if (previous && decidedAlike(r, previous.record)) {
      add(r.dossierId, r.subjectId, previous.shape);
      continue;
    }
    const key = recordKey(r);
    let n = byRecord.get(key);
    if (n === undefined) {
      // Records decided alike but met in another order still share one shape.
      n = shapeNumber(shapeOf(r, viewer));
      byRecord.set(key, n);
    }
    previous = { record: r, shape: n };
    add(r.dossierId, r.subjectId, n);
  }
  return batch.shapeOf.length ? batch : null;
}

/** The batch of events built elsewhere (the retention purge, tests): all of one request. */
export function batchOf(events: readonly AccessLogEventInput[]): EventBatch {
  const e0 = events[0];
  if (!e0 || events.some((e) => REQUEST_FIELDS.some((f) => e[f] !== e0[f]))) {
    throw new Error('an access-log batch is the events of one request');
  }
  const { batch, shapeNumber, add } = newBatch(Object.fromEntries(REQUEST_FIELDS.map((f) => [f, e0[f]])) as unknown as RequestFacts);
  for (const e of events) add(e.dossier_id, e.subject_person_id, shapeNumber(Object.fromEntries(SHAPE_FIELDS.map((f) => [f, e[f]])) as unknown as EventShape));
  return batch;
}

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The append function's signature: what `REVOKE/GRANT EXECUTE` statements must name. */
export const APPEND_FUNCTION =
  'kluis_append_access_log(uuid, integer, bytea, timestamptz, text, text, uuid, text, text, text, text, uuid[], uuid[], integer[], text[], text[], text[], text[], text[], text[], boolean[], boolean[], boolean[], boolean[], text[], text[], uuid[])';

/** A batch, its HMAC and its uuid arrays as sent: what the database is given to append. */
export interface SealedBatch {
  batch: EventBatch;
  mac: Buffer;
  dossierIds: Buffer;
  subjectIds: Buffer;
  eventIds: Buffer;
}

/**
 * Seals a batch with the log's key (`batchMac`) and encodes its uuid arrays. Both can fail on a
 * malformed batch, so both happen here, per request: a bad batch fails its own request only,
 * never the group commit it would have joined.
 */
export function seal(key: Buffer, batch: EventBatch): SealedBatch {
  return {
    batch,
    mac: batchMac(key, batch),
    dossierIds: uuidArray(batch.dossierIds),
    subjectIds: uuidArray(batch.subjectIds),
    eventIds: randomUuidArray(batch.shapeOf.length),
  };
}

/** PostgreSQL's oid of `uuid`: the element type a binary uuid[] names. */
const UUID_OID = 2950;
const HEX_DIGIT = new Int8Array(128).fill(-1);
// Lowercase only: the HMAC covers an id's text as given, and PostgreSQL gives a uuid back in lowercase.
for (const [i, c] of [...'0123456789abcdef'].entries()) HEX_DIGIT[c.charCodeAt(0)] = i;
const hexDigit = (id: string, i: number) => {
  const c = id.charCodeAt(i);
  return c < 128 ? HEX_DIGIT[c] : -1;
};

/** A binary uuid[] of `n` elements with its header filled in; the elements are still to be written. */
function binaryUuidArray(n: number, hasNull: boolean): Buffer {
  const b = Buffer.allocUnsafe(20 + 20 * n);
  b.writeInt32BE(1, 0);
  b.writeInt32BE(hasNull ? 1 : 0, 4);
  b.writeInt32BE(UUID_OID, 8);
  b.writeInt32BE(n, 12);
  b.writeInt32BE(1, 16);
  return b;
}

/**
 * A uuid[] parameter in PostgreSQL's binary array format. pg sends a Buffer parameter as binary,
 * so PostgreSQL copies 16 bytes per element where it parsed 36 characters of text: measured with
 * perf, `uuid_in` was 14 % of an append's CPU (150 ids per 50-dossier page). The ids come from
 * uuid columns; anything but a uuid's canonical text throws here, rather than reaching the log
 * as some other value.
 */
function uuidArray(ids: readonly (string | null)[]): Buffer {
  const b = binaryUuidArray(ids.length, ids.includes(null));
  let o = 20;
  for (const id of ids) {
    if (id === null) {
      b.writeInt32BE(-1, o);
      o += 4;
      continue;
    }
    if (id.length !== 36 || id[8] !== '-' || id[13] !== '-' || id[18] !== '-' || id[23] !== '-') throw new Error('access log: an id that is not a uuid');
    b.writeInt32BE(16, o);
    o += 4;
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i += 1; // over the dash
      const byte = (hexDigit(id, i) << 4) | hexDigit(id, i + 1);
      if (byte < 0) throw new Error('access log: an id that is not a uuid');
      b[o] = byte;
      o += 1;
    }
  }
  return b.subarray(0, o);
}

/**
 * `n` new random (version 4) uuids as a binary uuid[]: the events' ids, made here, where they
 * cost a fraction of `gen_random_uuid()` per row in the database — one fill of random bytes.
 */
function randomUuidArray(n: number): Buffer {
  const b = binaryUuidArray(n, false);
  randomFillSync(b, 20);
  for (let o = 20; o < b.length; o += 20) {
    b.writeInt32BE(16, o);
    b[o + 10] = (b[o + 10] & 0x0f) | 0x40;
    b[o + 12] = (b[o + 12] & 0x3f) | 0x80;
  }
  return b;
}

/** The casts of the append function's parameters, in order (arrays need theirs spelled out). */
const APPEND_CASTS = ['', '', '', '', '', '', '', '', '', '', '', '::uuid[]', '::uuid[]', '::integer[]',
  '::text[]', '::text[]', '::text[]', '::text[]', '::text[]', '::text[]', '::boolean[]', '::boolean[]', '::boolean[]', '::boolean[]', '::text[]', '::text[]', '::uuid[]'];

/** One call of the append function, its parameters numbered from `$offset + 1`. */
function appendCall(offset: number): string {
  return `kluis_append_access_log(${APPEND_CASTS.map((cast, i) => `$${offset + i + 1}${cast}`).join(', ')})`;
}

/** The append function's parameters for one batch and its HMAC, on chain `shard` of its organisation. */
function appendParams({ batch, mac, dossierIds, subjectIds, eventIds }: SealedBatch, shard: number): unknown[] {
  const r = batch.request;
  return [
    r.organisation_id, shard, mac, r.occurred_at, r.actor_sub, r.actor_role, r.actor_person_id,
    r.client_app, r.request_id, r.operation_name, r.source_address, dossierIds, subjectIds, `{${batch.shapeOf.map((n) => n + 1).join(',')}}`,
    // Field lists travel comma-joined (paths never contain commas).
    ...SHAPE_FIELDS.map((f) => batch.shapes.map((s) => (Array.isArray(s[f]) ? (s[f] as string[]).join(',') : s[f]))),
    eventIds,
  ];
}

/**
 * Appends a request's events in one statement (SPEC §6: one round trip per request, whatever
 * the number of fields or dossiers). The batch is HMAC'd here and chained by the database,
 * which stores the request's facts and shapes once and its events as arrays in that row.
 */
export async function appendBatch(db: Queryable, key: Buffer, batch: EventBatch, disclosures: readonly PartnerDisclosure[] = []): Promise<void> {
  if (!disclosures.length) return appendBatches(db, [seal(key, batch)]);
  const params = appendParams(seal(key, batch), randomInt(CHAIN_SHARDS));
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
       FROM unnest($28::uuid[], $29::text[], $30::text[], $31::uuid[], $32::text[]) AS d(dossier_id, categories, basis, consent_id, duty)
       RETURNING consent_id
     ), used AS (
       UPDATE consent SET consumed_at = $4 WHERE id IN (SELECT consent_id FROM disclosed) AND scope = 'SINGLE_EXCHANGE' AND consumed_at IS NULL
     )
     SELECT ${appendCall(0)}`,
    params,
  );
}

/**
 * Appends the batches of several requests in one statement, and so one commit: the group
 * commit of `AccessLogWriter`. Each batch keeps its own HMAC and chain position; all commit or
 * none does. Batches of one organisation go on one chain shard and organisations are taken in
 * a fixed order, so two such statements running at once lock chain heads in the same order and
 * cannot deadlock each other.
 */
export async function appendBatches(db: Queryable, batches: readonly SealedBatch[]): Promise<void> {
  const orgOf = (s: SealedBatch) => s.batch.request.organisation_id;
  const sorted = [...batches].sort((a, b) => (orgOf(a) < orgOf(b) ? -1 : orgOf(a) > orgOf(b) ? 1 : 0));
  const shards = new Map<string, number>();
  const params: unknown[] = [];
  for (const sealed of sorted) {
    let shard = shards.get(orgOf(sealed));
    if (shard === undefined) shards.set(orgOf(sealed), (shard = randomInt(CHAIN_SHARDS)));
    params.push(...appendParams(sealed, shard));
  }
  await db.query(groupText(sorted.length), params);
}

/** The statements appending n batches, by n: one text per group size, so a writer that prepares statements by name prepares each once per connection. */
const groupTexts: string[] = [];
const groupText = (n: number) => (groupTexts[n] ??= `SELECT ${Array.from({ length: n }, (_, i) => appendCall(i * APPEND_CASTS.length)).join(', ')}`);

/** Appends events built one by one (the retention purge, tests): `appendBatch` of their batch. */
export function appendEvents(db: Queryable, key: Buffer, events: readonly AccessLogEventInput[]): Promise<void> {
  return appendBatch(db, key, batchOf(events));
}
