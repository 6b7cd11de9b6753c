/**
 * The condition for the events of one dossier in the `access_log_event` view: the batch's
 * dossier array first, which PostgreSQL answers from the GIN index, then the event's own dossier.
 */
export const OF_DOSSIER = (dossier: string, t = 't'): string => `${t}.batch_dossier_ids @> ARRAY[${dossier}]::uuid[] AND ${t}.dossier_id = ${dossier}`;

/**
 * The events matching `where` (on the view as `t`), newest first, behind a MATERIALIZED step.
 * Why: with `ORDER BY occurred_at DESC LIMIT n` directly on the view, a planner that guesses a
 * dossier in more batches than it is walks the organisation's batches newest first through the
 * time index, filtering each, until it has n. On 10 million events (`bench:log`) that was 1.5 s
 * for a dossier given as a value (with the default statistics target), and 0.8–5 s for the
 * loaders' LATERAL per dossier, which PostgreSQL plans with its default guess whatever the
 * statistics; through the GIN index both take 7–11 ms.
 * A MATERIALIZED CTE is planned on its own, for all its rows, so no LIMIT outside it can make
 * the time walk look cheap; a dossier's events are few enough to sort. `where` may name columns
 * of an outer query (a LATERAL per dossier).
 */
export function newestEventsSql(where: string, limit?: string): string {
  return `WITH ev AS MATERIALIZED (SELECT t.* FROM access_log_event t WHERE ${where})
    SELECT * FROM ev t ORDER BY t.occurred_at DESC, t.id DESC${limit ? ` LIMIT ${limit}` : ''}`;
}
