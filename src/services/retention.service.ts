import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { appendEvents, type AccessLogEventInput, type Queryable } from '../audit/access-log';
import type { Context } from '../context';
import { DestructionRecord, Dossier, Organisation } from '../entities';
import { DestructionReason, DossierType, RetentionAnchor } from '../entities/enums';
import { badInput, conflict, notFound } from '../errors/errors';
import type { Grant } from '../permissions/decide';
import type { Connection } from '../schema/pagination';
import type { RetentionSettingsInput, SetLegalHoldInput } from '../schema/retention.input';
import { dutchToday } from '../util/dates';
import { isUuid } from '../util/ids';
import { decodeCursor, PageArgs, toConnection } from './pagination';
import { inTransaction } from './write';

/**
 * Retention (SPEC §11).
 *
 * The rule of a dossier: the organisation's period (`retention_months`; for a YOUTH_PROTECTION
 * dossier the longer `youth_protection_retention_months` when set — never shorter than the
 * general period), counted from the organisation's anchor:
 * - LAST_CHANGE: the dossier's `last_changed_at` (every write touches it), as a Dutch calendar day;
 * - LAST_CONTACT: the latest CONTACT entry — the maintained `last_contact_on`, or a later CONTACT
 *   entry if one exists (destruction cannot be undone, so the later date wins) — and the last
 *   change when the dossier never had a contact.
 * There is no "closing date" anchor (RetentionAnchor has none; SPEC §11 names only these two).
 *
 * expiresOn = anchor date + period; the dossier is kept up to and including that day and may be
 * destroyed from the next day on. Retention destroys only CLOSED dossiers: an open dossier is
 * care in progress, however quiet (it is reported, not destroyed). A legal hold blocks every
 * destruction, by retention and by an EARLY_DESTRUCTION request alike.
 */

/** The access-log actor of the purge: a system, not a person (SPEC §6 actor `sub`). */
export const RETENTION_ACTOR = 'kluis-retention';

/** The period that applies to a dossier, as SQL over `o` (organisation) and `d` (dossier). */
const MONTHS_SQL = `CASE WHEN d.type = '${DossierType.YOUTH_PROTECTION}' AND o.youth_protection_retention_months IS NOT NULL
  THEN GREATEST(o.youth_protection_retention_months, o.retention_months) ELSE o.retention_months END`;

const LAST_CHANGE_DAY = `(d.last_changed_at AT TIME ZONE 'Europe/Amsterdam')::date`;

/** The anchor date per anchor kind, as SQL over `d`. */
const ANCHOR_SQL: Record<RetentionAnchor, string> = {
  [RetentionAnchor.LAST_CHANGE]: LAST_CHANGE_DAY,
  // The entry lookup is one backward scan of entry(dossier_id, occurred_on, id) per candidate.
  [RetentionAnchor.LAST_CONTACT]: `COALESCE(GREATEST(d.last_contact_on,
      (SELECT max(e.occurred_on) FROM entry e WHERE e.dossier_id = d.id AND e.kind = 'CONTACT')), ${LAST_CHANGE_DAY})`,
};

/**
 * A necessary condition for "expired" on the anchor's own index, so the purge range-scans
 * dossier(organisation_id, last_changed_at | last_contact_on) instead of reading every dossier.
 * `$cutoff` is today − the shortest period + 4 days: month arithmetic clamps at month ends
 * (31 Mar − 1 month = 28 Feb), so the exact test (expiresOn < today) runs after it.
 */
const PREFILTER_SQL: Record<RetentionAnchor, (cutoff: string) => string> = {
  [RetentionAnchor.LAST_CHANGE]: (c) => `d.last_changed_at < (${c}::date::timestamp AT TIME ZONE 'Europe/Amsterdam')`,
  [RetentionAnchor.LAST_CONTACT]: (c) => `(d.last_contact_on < ${c}::date OR d.last_contact_on IS NULL)`,
};

/** A dossier's retention facts, as the purge prints them and the destruction record keeps them. */
export interface RetentionFacts {
  dossierId: string;
  organisationId: string;
  subjectId: string;
  dossierType: DossierType;
  retentionMonths: number;
  retentionAnchor: RetentionAnchor;
  anchorDate: string;
  expiresOn: string;
}

interface FactsRow {
  dossier_id: string;
  organisation_id: string;
  subject_id: string;
  dossier_type: DossierType;
  retention_months: number;
  retention_anchor: RetentionAnchor;
  anchor_date: string;
  expires_on: string;
  status: string;
  legal_hold: boolean;
}

const toFacts = (r: FactsRow): RetentionFacts => ({
  dossierId: r.dossier_id, organisationId: r.organisation_id, subjectId: r.subject_id, dossierType: r.dossier_type,
  retentionMonths: r.retention_months, retentionAnchor: r.retention_anchor, anchorDate: r.anchor_date, expiresOn: r.expires_on,
});

const factsSelect = (anchor: RetentionAnchor) => `
  SELECT d.id AS dossier_id, d.organisation_id, d.subject_id, d.type AS dossier_type, d.status, d.legal_hold,
         r.months AS retention_months, o.retention_anchor, to_char(a.day, 'YYYY-MM-DD') AS anchor_date,
         to_char((a.day + make_interval(months => r.months))::date, 'YYYY-MM-DD') AS expires_on
  FROM organisation o
  JOIN dossier d ON d.organisation_id = o.organisation_id
  CROSS JOIN LATERAL (SELECT ${MONTHS_SQL} AS months) r
  CROSS JOIN LATERAL (SELECT ${ANCHOR_SQL[anchor]} AS day) a`;

/**
 * The dossiers of one organisation past their retention on `today` (a Dutch calendar day):
 * CLOSED, not on legal hold, expiresOn before today. One set-based statement per organisation,
 * range-scanning the index of the organisation's anchor.
 */
export async function expiredDossiers(db: Queryable, organisationId: string, today: string = dutchToday()): Promise<RetentionFacts[]> {
  const [org] = (await db.query('SELECT retention_anchor, retention_months FROM organisation WHERE organisation_id = $1', [organisationId])) as {
    retention_anchor: RetentionAnchor;
  }[];
  if (!org) return [];
  const anchor = org.retention_anchor;
  const rows = (await db.query(
    `WITH cut AS (SELECT ($2::date - make_interval(months => retention_months))::date + 4 AS cutoff FROM organisation WHERE organisation_id = $1)
     ${factsSelect(anchor)}
     CROSS JOIN cut
     WHERE o.organisation_id = $1 AND d.organisation_id = $1 AND d.status = 'CLOSED' AND NOT d.legal_hold
       AND ${PREFILTER_SQL[anchor]('cut.cutoff')}
       AND (a.day + make_interval(months => r.months))::date < $2::date
     ORDER BY expires_on, d.id`,
    [organisationId, today],
  )) as FactsRow[];
  return rows.map(toFacts);
}

/** Counts of an organisation's dossiers past their period that are kept anyway, for the purge's report. */
export async function keptPastRetention(db: Queryable, organisationId: string, today: string = dutchToday()): Promise<{ open: number; legalHold: number }> {
  const [org] = (await db.query('SELECT retention_anchor FROM organisation WHERE organisation_id = $1', [organisationId])) as { retention_anchor: RetentionAnchor }[];
  if (!org) return { open: 0, legalHold: 0 };
  const [row] = (await db.query(
    `SELECT count(*) FILTER (WHERE d.status <> 'CLOSED')::int AS open, count(*) FILTER (WHERE d.status = 'CLOSED' AND d.legal_hold)::int AS legal_hold
     FROM (${factsSelect(org.retention_anchor)} WHERE o.organisation_id = $1 AND d.organisation_id = $1
       AND (d.status <> 'CLOSED' OR d.legal_hold) AND (a.day + make_interval(months => r.months))::date < $2::date) d`,
    [organisationId, today],
  )) as { open: number; legal_hold: number }[];
  return { open: row.open, legalHold: row.legal_hold };
}

/** Tables whose rows belong to a dossier but must outlive it: the log (ids only, append-only) and the proof of destruction. */
const KEPT_TABLES = /^(access_log|destruction_record$)/;

/**
 * Destroys a dossier: its content and everything hanging off it, and the persons who belong to
 * no other dossier; writes a DestructionRecord without personal data. Runs in the caller's
 * transaction (`manager`), which must also append the destruction's access-log event (DELETE)
 * — the purge does, and so must a rights-request workflow (through `inTransaction`).
 *
 * What stays: access-log events (ids and field paths, never values; append-only, SPEC §6), and
 * auditor grants, whose `dossier_ids` still name the id: a grant is the legal basis of logged
 * AUDIT reads and must keep meaning what it granted. The dossier's rights requests (including
 * the EARLY_DESTRUCTION request being carried out) hold personal data and go with it; the
 * record keeps the request's id.
 *
 * Refused (CONFLICT) under a legal hold, and for RETENTION_EXPIRED when the dossier is not
 * (or no longer) a CLOSED dossier past its period. NOT_FOUND outside the organisation.
 */
export async function destroyDossier(
  manager: EntityManager,
  dossierId: string,
  organisationId: string,
  reason: 'RETENTION_EXPIRED' | 'EARLY_DESTRUCTION',
  rightsRequestId?: string,
): Promise<{ destructionRecordId: string }> {
  if (!isUuid(dossierId) || !isUuid(organisationId)) throw notFound();
  // The row lock makes a concurrent write (or a hold being set) wait, and then see no dossier.
  const locked = (await manager.query('SELECT id FROM dossier WHERE id = $1 AND organisation_id = $2 FOR UPDATE', [dossierId, organisationId])) as unknown[];
  if (!locked.length) throw notFound();
  const [org] = (await manager.query('SELECT retention_anchor FROM organisation WHERE organisation_id = $1', [organisationId])) as { retention_anchor: RetentionAnchor }[];
  const [row] = (await manager.query(`${factsSelect(org.retention_anchor)} WHERE d.id = $1 AND d.organisation_id = $2`, [dossierId, organisationId])) as FactsRow[];
  if (row.legal_hold) throw conflict('The dossier is under legal hold: it cannot be destroyed until the hold is lifted');
  if (reason === DestructionReason.RETENTION_EXPIRED && (row.status !== 'CLOSED' || !(row.expires_on < dutchToday()))) {
    throw conflict('The dossier is not past its retention period');
  }
  const facts = toFacts(row);

  // Everyone the dossier names, before the rows that name them go.
  const people = ((await manager.query(
    `SELECT subject_id AS id FROM dossier WHERE id = $1
     UNION SELECT person_id FROM family_member WHERE dossier_id = $1
     UNION SELECT s.person_id FROM consent_signature s JOIN consent c ON c.id = s.consent_id WHERE c.dossier_id = $1
     UNION SELECT recipient_person_id FROM consent WHERE dossier_id = $1 AND recipient_person_id IS NOT NULL
     UNION SELECT unnest(requester_person_ids) FROM rights_request WHERE dossier_id = $1`,
    [dossierId],
  )) as { id: string }[]).map((p) => p.id);

  const record = await manager.getRepository(DestructionRecord).save(
    manager.getRepository(DestructionRecord).create({
      organisationId, dossierId, dossierType: facts.dossierType, retentionMonths: facts.retentionMonths, retentionAnchor: facts.retentionAnchor,
      anchorDate: facts.anchorDate, expiresOn: facts.expiresOn, destroyedAt: new Date(), reason: reason as DestructionReason,
      rightsRequestId: rightsRequestId ?? null,
    }),
  );

  // Disclosures first: they reference the dossier's consents with ON DELETE RESTRICT, which a
  // cascade from the dossier could hit before it reaches the disclosures.
  await manager.query('DELETE FROM disclosure WHERE dossier_id = $1', [dossierId]);
  await manager.query('DELETE FROM consent WHERE dossier_id = $1', [dossierId]);
  // Cascades to assignments, family, entitlements, plan (goals, evaluations), entries, work
  // notes, rights requests and emergency accesses.
  await manager.query('DELETE FROM dossier WHERE id = $1 AND organisation_id = $2', [dossierId, organisationId]);
  // Any other table with a dossier_id (one added later, without a foreign key) is swept too:
  // "content gone" must not depend on every new table remembering ON DELETE CASCADE.
  const tables = (await manager.query(
    `SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
     WHERE c.table_schema = current_schema() AND c.column_name = 'dossier_id' AND t.table_type = 'BASE TABLE'`,
  )) as { table_name: string }[];
  for (const { table_name } of tables) {
    if (KEPT_TABLES.test(table_name)) continue;
    await manager.query(`DELETE FROM "${table_name.replace(/"/g, '""')}" WHERE dossier_id = $1`, [dossierId]);
  }
  // The persons of this dossier who are in no other: a parent of two children stays with the other dossier.
  if (people.length) {
    await manager.query(
      `DELETE FROM person p WHERE p.id = ANY($1::uuid[]) AND p.organisation_id = $2
         AND NOT EXISTS (SELECT 1 FROM dossier d WHERE d.subject_id = p.id)
         AND NOT EXISTS (SELECT 1 FROM family_member f WHERE f.person_id = p.id)
         AND NOT EXISTS (SELECT 1 FROM consent_signature s WHERE s.person_id = p.id)
         AND NOT EXISTS (SELECT 1 FROM consent c WHERE c.recipient_person_id = p.id OR c.withdrawn_by_id = p.id)
         AND NOT EXISTS (SELECT 1 FROM rights_request r WHERE p.id = ANY(r.requester_person_ids))`,
      [people, organisationId],
    );
  }
  return { destructionRecordId: record.id };
}

/**
 * The purge's access-log event for one destruction (SPEC §6): action DELETE by the system actor,
 * purpose RIGHTS (storage limitation is the data subject's right; an EARLY_DESTRUCTION is their
 * request), the legal-basis reference the rights request or else the destruction record. Ids and
 * the path `Dossier.id` only — a removal is logged as a change of the row itself.
 */
export function destructionEvent(facts: RetentionFacts, destructionRecordId: string, requestId: string, now = new Date(), rightsRequestId?: string): AccessLogEventInput {
  return {
    organisation_id: facts.organisationId, occurred_at: now.toISOString(), actor_sub: RETENTION_ACTOR, actor_role: 'system', relationship: 'retention',
    actor_person_id: null, client_app: null, action: 'DELETE', dossier_id: facts.dossierId, subject_person_id: facts.subjectId,
    granted_fields: ['Dossier.id'], denied_fields: [], pseudonymised_fields: [], outcome: 'GRANTED', check_authorisation: true,
    check_care_relationship: false, check_consent: false, check_emergency: false, purpose: 'RIGHTS', legal_basis_ref: rightsRequestId ?? destructionRecordId,
    request_id: requestId, operation_name: 'retention:purge', source_address: null,
  };
}

export interface PurgeOptions {
  /** Destroy; without it nothing is changed (dry run). */
  apply: boolean;
  /** Only this organisation. */
  organisationId?: string;
  /** The access log's HMAC key (needed with `apply`). */
  auditKey: Buffer;
  today?: string;
}

export interface PurgeReport {
  organisations: number;
  expired: RetentionFacts[];
  destroyed: { facts: RetentionFacts; destructionRecordId: string }[];
  /** Expired at listing, but refused at destruction (a hold set or a change made meanwhile). */
  skipped: { facts: RetentionFacts; reason: string }[];
  failed: { facts: RetentionFacts; error: string }[];
  keptOpen: number;
  keptOnHold: number;
}

/**
 * `npm run retention:purge`: lists, per organisation, the dossiers past retention and — with
 * `apply` — destroys each in a transaction of its own together with its access-log event, so
 * one failure stops nothing else and nothing is ever destroyed unlogged.
 */
export async function purge(ds: DataSource, opts: PurgeOptions): Promise<PurgeReport> {
  const today = opts.today ?? dutchToday();
  const orgs = (await ds.query(
    'SELECT organisation_id FROM organisation WHERE ($1::uuid IS NULL OR organisation_id = $1) ORDER BY organisation_id',
    [opts.organisationId ?? null],
  )) as { organisation_id: string }[];
  const report: PurgeReport = { organisations: orgs.length, expired: [], destroyed: [], skipped: [], failed: [], keptOpen: 0, keptOnHold: 0 };
  for (const { organisation_id: org } of orgs) {
    const expired = await expiredDossiers(ds, org, today);
    const kept = await keptPastRetention(ds, org, today);
    report.keptOpen += kept.open;
    report.keptOnHold += kept.legalHold;
    report.expired.push(...expired);
    if (!opts.apply) continue;
    for (const facts of expired) {
      try {
        const id = await ds.transaction(async (em) => {
          const { destructionRecordId } = await destroyDossier(em, facts.dossierId, facts.organisationId, DestructionReason.RETENTION_EXPIRED);
          await appendEvents(em, opts.auditKey, [destructionEvent(facts, destructionRecordId, `retention-${randomUUID()}`)]);
          return destructionRecordId;
        });
        report.destroyed.push({ facts, destructionRecordId: id });
      } catch (err) {
        const code = (err as { extensions?: { code?: string } }).extensions?.code;
        if (code === 'CONFLICT' || code === 'NOT_FOUND') report.skipped.push({ facts, reason: (err as Error).message });
        else report.failed.push({ facts, error: (err as { code?: string }).code ?? (err as Error).name });
      }
    }
  }
  return report;
}

// ——— The privacy officer's operations (GraphQL) ———

const PRIVACY_OFFICER_GRANT: Grant[] = [{ relationship: 'privacy_officer', basisId: null, categories: null, expiresAt: null }];

/** The organisation's retention rule (privacy officer; the operation rule admits only them). */
export async function retentionSettings(ctx: Context): Promise<Organisation> {
  const staff = ctx.access.requireStaff();
  const org = await ctx.ds.getRepository(Organisation).findOneBy({ id: staff.organisationId });
  if (!org) throw notFound('Organisation');
  return org;
}

/**
 * Replaces the organisation's retention rule. Logged like every write: an UPDATE event without
 * a dossier, committed with the change. A youth-protection period shorter than the general one
 * is refused: SPEC §11 allows youth protection a longer rule, never a shorter one.
 */
export async function setRetentionSettings(ctx: Context, input: RetentionSettingsInput): Promise<Organisation> {
  const staff = ctx.access.requireStaff();
  const youth = input.youthProtectionRetentionMonths ?? null;
  if (youth !== null && youth < input.retentionMonths) {
    throw badInput('input.youthProtectionRetentionMonths', 'must not be shorter than retentionMonths (youth protection may only keep longer)');
  }
  return inTransaction(ctx, async (em) => {
    await em.getRepository(Organisation).update(
      { id: staff.organisationId },
      { retentionMonths: input.retentionMonths, retentionAnchor: input.retentionAnchor, youthProtectionRetentionMonths: youth },
    );
    ctx.access.recordWrite(null, null, 'UPDATE', ['RetentionSettings.retentionMonths', 'RetentionSettings.retentionAnchor', 'RetentionSettings.youthProtectionRetentionMonths'], PRIVACY_OFFICER_GRANT);
    return em.getRepository(Organisation).findOneByOrFail({ id: staff.organisationId });
  });
}

/**
 * Sets or lifts a dossier's legal hold, with the reason. Authorised by the mutation's write rule
 * (RIGHTS W, SPEC §4: the privacy officer). The dossier's version moves on (a stale update of it
 * is then a CONFLICT), but not its last change: a hold is about the dossier's destruction, not
 * its content, and must not restart its retention period.
 */
export async function setLegalHold(ctx: Context, input: SetLegalHoldInput): Promise<Dossier> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  const reason = input.legalHoldReason.trim();
  if (reason.length < 10) throw badInput('input.legalHoldReason', 'must explain the hold in at least 10 characters');
  const updated = await inTransaction(ctx, async (em) => {
    await em.query(
      `UPDATE dossier SET legal_hold = $3, legal_hold_reason = $4, legal_hold_changed_at = now(), version = version + 1
       WHERE id = $1 AND organisation_id = $2`,
      [dossier.id, dossier.organisationId, input.legalHold, reason],
    );
    return em.getRepository(Dossier).findOneByOrFail({ id: dossier.id });
  });
  ctx.loaders.dossier.clear(dossier.id).prime(dossier.id, updated);
  return updated;
}

/** Destruction records of the organisation, newest first (privacy officer). */
export async function listDestructionRecords(ctx: Context, page: PageArgs): Promise<Connection<DestructionRecord>> {
  const staff = ctx.access.requireStaff();
  const qb = ctx.ds.getRepository(DestructionRecord).createQueryBuilder('r')
    .where('r.organisation_id = :org', { org: staff.organisationId })
    .orderBy('r.destroyed_at', 'DESC').addOrderBy('r.id', 'DESC').limit(page.first + 1);
  if (page.after) {
    const [destroyedAt, id] = decodeCursor(page.after, 2);
    qb.andWhere('(r.destroyed_at, r.id) < (:destroyedAt, :id)', { destroyedAt, id });
  }
  return toConnection(await qb.getMany(), page.first, (r) => [r.destroyedAt.toISOString(), r.id]);
}
