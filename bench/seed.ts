import type { DataSource } from 'typeorm';

export const BENCH_ORG = 'b0000000-0000-4000-8000-000000000001';
/** Care workers whose caseload is exactly the newest N dossiers: `bench-cw-N`. */
export const CASELOADS = [10, 20, 50, 100, 200, 2000];
export const careWorker = (caseload: number) => `bench-cw-${caseload}`;
export const BENCH_AUDITOR = 'bench-auditor';
/**
 * Every dossier also has a care worker of the organisation's team, each with a caseload of
 * about this many: as in a real organisation, where no dossier is without one. It matters to the
 * measurement — PostgreSQL plans the relationship query from the caseload sizes it sees.
 */
const TEAM_CASELOAD = 40;

export interface BenchData {
  dossiers: number;
  /** Dossier ids in creation order (newest last). */
  dossierIds: string[];
  /** A custodial parent of the newest dossier's (minor) subject. */
  parentPersonId: string;
  /** The newest dossier (every care worker has it in their caseload). */
  newestDossierId: string;
}

/**
 * Benchmark data, generated in SQL so that 10,000 dossiers take seconds: per dossier a subject,
 * two parents with custody, 20 entries (one hidden from parents), a plan with 3 goals, an
 * entitlement. Deterministic: ids and values derive from the row number (`md5`), so two runs
 * hold the same data. BSNs are elfproef-valid numbers of the 999 range, all fictional.
 * Care worker `bench-cw-N` is assigned to the newest N dossiers; every dossier has a team care
 * worker (`bench-team-K`, ~40 dossiers each); the auditor holds a grant on the newest 50.
 */
export async function seedBench(ds: DataSource, dossiers: number): Promise<BenchData> {
  const existing = await ds.query('SELECT count(*)::int AS n FROM dossier WHERE organisation_id = $1', [BENCH_ORG]);
  const team = Math.ceil(dossiers / TEAM_CASELOAD);
  const workers = await ds.query(`SELECT count(*)::int AS n FROM professional WHERE organisation_id = $1 AND subject LIKE 'bench-%'`, [BENCH_ORG]);
  if (existing[0].n !== dossiers || workers[0].n !== CASELOADS.length + team + 1) {
    await ds.query('DELETE FROM access_log_chain');
    for (const t of ['support_plan_goal', 'support_plan', 'entry', 'entitlement', 'care_team_assignment', 'family_member', 'auditor_grant', 'dossier', 'person', 'professional', 'organisation']) {
      await ds.query(`DELETE FROM ${t}`);
    }
    const uuid = (expr: string) => `md5(${expr})::uuid`;
    await ds.query(`INSERT INTO organisation (organisation_id, name) VALUES ($1, 'Benchmark jeugdhulp')`, [BENCH_ORG]);
    await ds.query(`INSERT INTO professional (id, organisation_id, subject, display_name) VALUES (${uuid("'aud'")}, $1, '${BENCH_AUDITOR}', 'Bench auditor')`, [BENCH_ORG]);
    await ds.query(`INSERT INTO professional (id, organisation_id, subject, display_name)
      SELECT ${uuid("'cw' || n")}, $1, 'bench-cw-' || n, 'Bench care worker ' || n FROM unnest($2::int[]) n`, [BENCH_ORG, CASELOADS]);
    await ds.query(`INSERT INTO professional (id, organisation_id, subject, display_name)
      SELECT ${uuid("'team' || k")}, $1, 'bench-team-' || k, 'Team care worker ' || k FROM generate_series(0, $2::int - 1) k`, [BENCH_ORG, team]);
    // Elfproef-valid BSNs: 999 + five digits + check digit, skipping check digit 10.
    await ds.query(`CREATE TEMP TABLE bench_bsn AS
      SELECT row_number() OVER (ORDER BY p8) AS i, p8 || cd AS bsn FROM (
        SELECT p8, ((9*substr(p8,1,1)::int + 8*substr(p8,2,1)::int + 7*substr(p8,3,1)::int + 6*substr(p8,4,1)::int + 5*substr(p8,5,1)::int
                   + 4*substr(p8,6,1)::int + 3*substr(p8,7,1)::int + 2*substr(p8,8,1)::int) % 11) AS cd
        FROM (SELECT '999' || lpad(n::text, 5, '0') AS p8 FROM generate_series(0, 99999) n) c) x WHERE cd < 10`);
    await ds.query(`INSERT INTO person (id, organisation_id, first_name, last_name, date_of_birth, gender, nationality, street, postal_code, city, phone, email, bsn, version)
      SELECT ${uuid("'p' || g")}, $1, 'Voornaam' || g, 'Achternaam' || (g / 3), DATE '2026-11-23' - ((CASE WHEN g % 3 = 0 THEN 5 + (g % 12) ELSE 35 + (g % 10) END) * 365 + 40),
             'UNKNOWN', 'NL', 'Benchstraat ' || g, '1234 AB', 'Utrecht', '06-1234' || lpad((g % 10000)::text, 4, '0'), 'p' || g || '@example.org', b.bsn, 1
      FROM generate_series(0, $2::int * 3 - 1) g JOIN bench_bsn b ON b.i = g + 1`, [BENCH_ORG, dossiers]);
    await ds.query(`INSERT INTO dossier (id, organisation_id, subject_id, type, opened_on, created_at, version)
      SELECT ${uuid("'d' || i")}, $1, ${uuid("'p' || (i * 3)")}, 'YOUTH_CARE', DATE '2026-01-01', timestamp '2026-01-01' + i * interval '1 second', 1
      FROM generate_series(0, $2::int - 1) i`, [BENCH_ORG, dossiers]);
    await ds.query(`INSERT INTO family_member (organisation_id, dossier_id, person_id, relation, has_custody, informed_of_registration)
      SELECT $1, ${uuid("'d' || i")}, ${uuid("'p' || (i * 3 + k)")}, CASE k WHEN 1 THEN 'MOTHER' ELSE 'FATHER' END, true, true
      FROM generate_series(0, $2::int - 1) i, generate_series(1, 2) k`, [BENCH_ORG, dossiers]);
    await ds.query(`INSERT INTO care_team_assignment (organisation_id, dossier_id, professional_id, role, valid_from)
      SELECT $1, ${uuid("'d' || i")}, ${uuid("'cw' || n")}, 'CARE_WORKER', timestamp '2026-01-01'
      FROM unnest($3::int[]) n, generate_series(0, $2::int - 1) i WHERE i >= $2::int - n`, [BENCH_ORG, dossiers, CASELOADS]);
    await ds.query(`INSERT INTO care_team_assignment (organisation_id, dossier_id, professional_id, role, valid_from)
      SELECT $1, ${uuid("'d' || i")}, ${uuid("'team' || (i % $3::int)")}, 'CARE_WORKER', timestamp '2026-01-01'
      FROM generate_series(0, $2::int - 1) i`, [BENCH_ORG, dossiers, team]);
    await ds.query(`INSERT INTO entry (organisation_id, dossier_id, kind, occurred_on, author_id, text, hidden_from)
      SELECT $1, ${uuid("'d' || i")}, 'CONTACT', DATE '2026-01-01' + e, ${uuid("'cw' || 10")}, 'Gesprek ' || e || ' over de voortgang in dossier ' || i || '.',
             CASE WHEN e = 7 THEN ARRAY['PARENTS']::varchar[] ELSE '{}'::varchar[] END
      FROM generate_series(0, $2::int - 1) i, generate_series(1, 20) e`, [BENCH_ORG, dossiers]);
    await ds.query(`INSERT INTO entitlement (organisation_id, dossier_id, municipality, decision_number, product, valid_from)
      SELECT $1, ${uuid("'d' || i")}, 'Utrecht', 'B-' || i, 'Ambulante begeleiding', DATE '2026-01-01' FROM generate_series(0, $2::int - 1) i`, [BENCH_ORG, dossiers]);
    await ds.query(`INSERT INTO support_plan (id, organisation_id, dossier_id) SELECT ${uuid("'sp' || i")}, $1, ${uuid("'d' || i")} FROM generate_series(0, $2::int - 1) i`, [BENCH_ORG, dossiers]);
    await ds.query(`INSERT INTO support_plan_goal (organisation_id, plan_id, dossier_id, text, status)
      SELECT $1, ${uuid("'sp' || i")}, ${uuid("'d' || i")}, 'Doel ' || k, 'OPEN' FROM generate_series(0, $2::int - 1) i, generate_series(1, 3) k`, [BENCH_ORG, dossiers]);
    await ds.query(`INSERT INTO auditor_grant (organisation_id, auditor_subject, purpose, dossier_ids, categories, valid_from, valid_until, created_by_id, pseudonym_key)
      SELECT $1, '${BENCH_AUDITOR}', 'Benchmark audit', ARRAY(SELECT ${uuid("'d' || i")} FROM generate_series($2::int - 50, $2::int - 1) i), ARRAY['CARE','FAMILY','ENTITLEMENT']::varchar[],
             now() - interval '1 day', now() + interval '20 days', ${uuid("'aud'")}, sha256('bench'::bytea)`, [BENCH_ORG, dossiers]);
    await ds.query('DROP TABLE bench_bsn');
    await ds.query('ANALYZE');
  }
  const rows: { id: string }[] = await ds.query('SELECT id FROM dossier WHERE organisation_id = $1 ORDER BY created_at', [BENCH_ORG]);
  const newest = dossiers - 1;
  const [parent] = await ds.query(`SELECT md5('p' || ($1::int * 3 + 1))::uuid AS id`, [newest]);
  return { dossiers, dossierIds: rows.map((r) => r.id), parentPersonId: parent.id, newestDossierId: rows[rows.length - 1].id };
}
