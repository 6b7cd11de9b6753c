import DataLoader from 'dataloader';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { preparedQuery } from '../db/prepared';
import {
  AccessLogEvent, CareTeamAssignment, Consent, ConsentSignature, Disclosure, Dossier, Entitlement, Entry, FamilyMember, Person, Professional, RightsRequest, SupportPlan,
  SupportPlanEvaluation, SupportPlanGoal, WorkNote,
} from '../entities';
import { newestEventsSql, OF_DOSSIER } from './access-log.sql';
import { hydrate } from './hydrate';
import { decodeCursor, SortKey } from './pagination';

export interface PageRequest {
  first: number;
  after?: string | null;
}

/** One page of a per-dossier list, fetched with one extra row to know whether more follow. */
export interface PageRows<T> {
  rows: T[];
  first: number;
}

type OrgRow = ObjectLiteral & { organisationId: string };

/**
 * The per-request DataLoaders. Every query is filtered on the viewer's organisation as well as
 * the ids: even a bug elsewhere cannot load another organisation's rows. Created per request so
 * that no cached row survives into another viewer's request.
 */
export function createLoaders(em: EntityManager, organisationId: string) {
  /**
   * The rows of `target` in this organisation whose `column` is one of `keys`, as entities. A
   * named prepared statement and `hydrate` rather than `Repository.find`, whose query builder
   * (a parameter, an alias and an escape per key) and result transformer ran for every batch,
   * and PostgreSQL parsed and planned each. Counted by `bench:instructions` for a list of 200
   * dossiers with their subjects and families: 425 → 363 million API instructions per request
   * bare, 467 → 391 authorised. On the DataSource's pool, not `em`'s query runner: loaders are
   * created with the DataSource's manager (context.ts) and never read inside a write's transaction.
   */
  async function rowsWhereIn<E extends OrgRow>(target: EntityTarget<E>, column: string, keys: readonly string[]): Promise<E[]> {
    const meta = em.connection.getMetadata(target);
    const { databaseName } = meta.findColumnWithPropertyName(column)!;
    const raw = await preparedQuery<Record<string, unknown>>(
      em.connection,
      `SELECT * FROM ${meta.tableName} WHERE organisation_id = $1 AND ${databaseName} = ANY($2::uuid[])`,
      [organisationId, [...keys]],
    );
    return hydrate(em, target, raw);
  }

  function byId<E extends OrgRow>(target: EntityTarget<E>) {
    return new DataLoader<string, E | null>(async (ids) => {
      const map = new Map((await rowsWhereIn(target, 'id', ids)).map((r) => [r.id as string, r]));
      return ids.map((id) => map.get(id) ?? null);
    });
  }

  function groupedBy<E extends OrgRow>(target: EntityTarget<E>, column: keyof E & string) {
    return new DataLoader<string, E[]>(async (keys) => {
      const map = new Map<string, E[]>(keys.map((k) => [k, []]));
      for (const r of await rowsWhereIn(target, column, keys)) map.get(r[column] as string)?.push(r);
      return keys.map((k) => map.get(k)!);
    });
  }

  /**
   * Newest-first pages of a long per-dossier list, for many dossiers in one statement: a LATERAL
   * subquery per dossier uses the (dossier_id, sort key) index and stops after `first + 1` rows.
   * Keys with the same page arguments share one statement.
   */
  function pagedByDossier<E extends OrgRow>(
    target: EntityTarget<E>,
    table: string,
    orderColumns: string[],
    keyLength: number,
    /** An extra condition on the key's last part, e.g. the author of work notes. */
    extraFilter?: (placeholder: string) => string,
    /** The page of dossier `d.id`: its rows `t` matching `where`, in `order`, `first + 1` ($3) of them. */
    pageOf = (where: string, order: string) => `SELECT t.* FROM ${table} t WHERE t.dossier_id = d.id AND ${where} ORDER BY ${order} LIMIT $3`,
  ) {
    return new DataLoader<string, PageRows<E>>(async (keys) => {
      // key = dossierId|first|after|extra
      const groups = new Map<string, { first: number; after: SortKey | null; extra: string | null; dossiers: string[] }>();
      for (const key of keys) {
        const [dossierId, first, after, extra] = key.split('|');
        const groupKey = `${first}|${after}|${extra}`;
        let g = groups.get(groupKey);
        if (!g) {
          g = { first: Number(first), after: after ? decodeCursor(after, keyLength) : null, extra: extra || null, dossiers: [] };
          groups.set(groupKey, g);
        }
        g.dossiers.push(dossierId);
      }
      const result = new Map<string, E[]>();
      for (const [groupKey, g] of groups) {
        const params: unknown[] = [organisationId, g.dossiers, g.first + 1];
        const order = orderColumns.map((c) => `t.${c} DESC`).join(', ');
        let where = 't.organisation_id = $1';
        if (g.after) {
          const placeholders = g.after.map((v) => (params.push(v), `$${params.length}`));
          where += ` AND (${orderColumns.map((c) => `t.${c}`).join(', ')}) < (${placeholders.join(', ')})`;
        }
        if (extraFilter && g.extra) {
          params.push(g.extra);
          where += ` AND ${extraFilter(`$${params.length}`)}`;
        }
        const raw = await em.query(
          `SELECT t.* FROM unnest($2::uuid[]) AS d(id)
           CROSS JOIN LATERAL (${pageOf(where, order)}) t`,
          params,
        );
        const rows = hydrate(em, target, raw);
        for (const d of g.dossiers) result.set(`${d}|${groupKey}`, []);
        for (const r of rows) result.get(`${r.dossierId}|${groupKey}`)!.push(r);
      }
      return keys.map((k) => {
        const [, first] = k.split('|');
        return { rows: result.get(k) ?? [], first: Number(first) };
      });
    });
  }

  return {
    dossier: byId(Dossier),
    person: byId(Person),
    professional: byId(Professional),
    familyByDossier: groupedBy(FamilyMember, 'dossierId'),
    careTeamByDossier: groupedBy(CareTeamAssignment, 'dossierId'),
    entitlementsByDossier: groupedBy(Entitlement, 'dossierId'),
    planByDossier: new DataLoader<string, SupportPlan | null>(async (ids) => {
      const map = new Map((await rowsWhereIn(SupportPlan, 'dossierId', ids)).map((r) => [r.dossierId, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    goalsByPlan: groupedBy(SupportPlanGoal, 'planId'),
    evaluationsByPlan: groupedBy(SupportPlanEvaluation, 'planId'),
    // The extra key part is the group the viewer belongs to: entries hidden from it are not listed at all.
    entriesByDossier: pagedByDossier(Entry, 'entry', ['occurred_on', 'created_at', 'id'], 3, (p) => `NOT (t.hidden_from @> ARRAY[${p}]::varchar[])`),
    workNotesByDossier: pagedByDossier(WorkNote, 'work_note', ['created_at', 'id'], 2, (p) => `t.author_id = ${p}`),
    consentsByDossier: groupedBy(Consent, 'dossierId'),
    signaturesByConsent: groupedBy(ConsentSignature, 'consentId'),
    disclosuresByDossier: groupedBy(Disclosure, 'dossierId'),
    rightsRequestsByDossier: groupedBy(RightsRequest, 'dossierId'),
    // Only the viewer's own organisation is ever loaded (ids outside it come back null).
    organisationName: new DataLoader<string, string | null>(async (ids) => {
      const rows: { organisation_id: string; name: string }[] = await em.query('SELECT organisation_id, name FROM organisation WHERE organisation_id = $1', [organisationId]);
      return ids.map((id) => rows.find((r) => r.organisation_id === id)?.name ?? null);
    }),
    // Through the batches' dossier arrays (GIN index), whatever the statistics say (see newestEventsSql).
    accessLogByDossier: pagedByDossier(AccessLogEvent, 'access_log_event', ['occurred_at', 'id'], 2, undefined, (where) => newestEventsSql(`${OF_DOSSIER('d.id')} AND ${where}`, '$3')),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** The DataLoader key of one page of a per-dossier list. */
export function pageKey(dossierId: string, page: PageRequest, extra = ''): string {
  return `${dossierId}|${page.first}|${page.after ?? ''}|${extra}`;
}
