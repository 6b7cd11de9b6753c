import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { verifyAccessLog } from '../../src/audit/verify';
import { Organisation } from '../../src/entities';
import { DossierStatus } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { createTestDatabase, TestDatabase } from '../support/database';
import { rowCount } from '../support/scenario-builders';
import { TEST_AUDIT_KEY } from '../support/test-app';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

/** `npm run retention:purge` as an operator runs it: the compiled script as a process against a database. */
describe('the retention:purge script (SPEC §11)', () => {
  let db: TestDatabase;
  let build: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    // The same compiler and configuration as `npm run build`, into a directory of this test's own.
    build = mkdtempSync(path.join(tmpdir(), 'kluis-retention-purge-'));
    await run(path.join(ROOT, 'node_modules/.bin/swc'), ['src', 'migrations', 'scripts', '-d', build, '-q'], { cwd: ROOT });
  });
  afterAll(async () => {
    rmSync(build, { recursive: true, force: true });
    await db.drop();
  });

  async function purgeScript(...args: string[]): Promise<{ code: number; stdout: string }> {
    const env = { ...process.env, DATABASE_URL: db.url, AUDIT_HMAC_KEY: TEST_AUDIT_KEY.toString('base64'), NODE_PATH: path.join(ROOT, 'node_modules'), KLUIS_DATA_DIR: build };
    try {
      const { stdout } = await run(process.execPath, [path.join(build, 'scripts/retention-purge.js'), ...args], { cwd: ROOT, env });
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }

  /** A closed dossier last changed `months` ago. */
  async function closed(org: Organisation, months: number) {
    const d = await aDossier().withParent().with({ status: DossierStatus.CLOSED, closedOn: addMonths(dutchToday(), -months), openedOn: addMonths(dutchToday(), -months - 12) }).build(db.ds, org);
    await db.ds.query(`UPDATE dossier SET last_changed_at = now() - make_interval(months => $2) WHERE id = $1`, [d.dossier.id, months]);
    return d;
  }

  it('should print what it would destroy (ids, rule, expiry; no names) and change nothing, then destroy it with --apply', async () => {
    const org = await anOrganisation(db.ds);
    await aProfessional(db.ds, org);
    const expired = await closed(org, 245);
    const kept = await closed(org, 200);
    const other = await anOrganisation(db.ds);
    const otherExpired = await closed(other, 245);

    const dry = await purgeScript('--org', org.id);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/DRY RUN/);
    expect(dry.stdout).toContain(`would destroy dossier ${expired.dossier.id} org ${org.id} YOUTH_CARE rule 240 months from LAST_CHANGE`);
    expect(dry.stdout).not.toContain(kept.dossier.id);
    expect(dry.stdout).not.toContain(otherExpired.dossier.id);
    for (const p of [expired.subject, expired.relatives[0].person]) for (const v of [p.firstName, p.lastName, p.bsn!]) expect(dry.stdout).not.toContain(v);
    expect(dry.stdout).toMatch(/summary: organisations 1, expired 1, destroyed 0/);
    expect(await rowCount(db.ds, 'dossier', 'id = $1', [expired.dossier.id])).toBe(1);
    expect(await rowCount(db.ds, 'destruction_record')).toBe(0);

    const applied = await purgeScript('--apply', `--org=${org.id}`);
    expect(applied).toEqual({ code: 0, stdout: expect.stringMatching(/summary: organisations 1, expired 1, destroyed 1, skipped 0, failed 0/) });
    expect(applied.stdout).toContain(`destroyed dossier ${expired.dossier.id}`);
    expect(await rowCount(db.ds, 'dossier', 'id = $1', [expired.dossier.id])).toBe(0);
    expect(await rowCount(db.ds, 'person', 'id = $1', [expired.subject.id])).toBe(0);
    expect(await rowCount(db.ds, 'dossier', 'id = ANY($1::uuid[])', [[kept.dossier.id, otherExpired.dossier.id]])).toBe(2);
    expect(await rowCount(db.ds, 'destruction_record', 'dossier_id = $1', [expired.dossier.id])).toBe(1);
    expect(await rowCount(db.ds, 'access_log_event', `dossier_id = $1 AND action = 'DELETE' AND actor_sub = 'kluis-retention'`, [expired.dossier.id])).toBe(1);
    // The events the script appended chain and verify like the server's own.
    expect((await verifyAccessLog(db.ds, TEST_AUDIT_KEY)).problems).toEqual([]);
  });

  it('should refuse unknown arguments and a malformed --org with exit code 2, touching nothing', async () => {
    expect((await purgeScript('--force')).code).toBe(2);
    expect((await purgeScript('--org', 'not-a-uuid', '--apply')).code).toBe(2);
  });
});
