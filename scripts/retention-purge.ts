/**
 * `npm run retention:purge [-- --apply] [--org <organisation id>]` (SPEC §11).
 *
 * Dry run by default: lists the dossiers past retention — dossier id, organisation, rule,
 * anchor date and expiry; never a name — and changes nothing. With `--apply` destroys each one
 * in a transaction of its own, together with its access-log event (DELETE, actor
 * `kluis-retention`), leaving a destruction record without personal data. Monthly is often
 * enough: SPEC §11 asks destruction within a year of expiry.
 * Exit code: 0 done (also when something was skipped because a hold was set meanwhile),
 * 1 a destruction failed, 2 bad arguments or no database.
 * Needs the same AUDIT_HMAC_KEY as the server (development: the key under .data/).
 */
import 'reflect-metadata';
import { loadAuditKey } from '../src/audit/audit-key';
import { loadConfig } from '../src/config';
import { openScriptDatabase } from '../src/db/script-database';
import { purge, RetentionFacts } from '../src/services/retention.service';
import { isUuid } from '../src/util/ids';

function parseArgs(argv: string[]): { apply: boolean; organisationId?: string } {
  let apply = false;
  let organisationId: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--apply') apply = true;
    else if (a === '--dry-run') apply = false;
    else if (a === '--org') organisationId = argv[(i += 1)];
    else if (a.startsWith('--org=')) organisationId = a.slice('--org='.length);
    else throw new Error(`unknown argument ${a} (use --apply, --org <id>)`);
  }
  if (organisationId !== undefined && !isUuid(organisationId)) throw new Error('--org needs an organisation id (uuid)');
  return { apply, organisationId };
}

const line = (f: RetentionFacts) =>
  `dossier ${f.dossierId} org ${f.organisationId} ${f.dossierType} rule ${f.retentionMonths} months from ${f.retentionAnchor} anchor ${f.anchorDate} expired ${f.expiresOn}`;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const auditKey = loadAuditKey(process.env, config.dataDir, config.env === 'production');
  const db = await openScriptDatabase(config);
  try {
    const report = await purge(db.ds, { ...args, auditKey });
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(`retention:purge ${args.apply ? 'APPLY' : 'DRY RUN (nothing is changed; --apply destroys)'}`);
    if (args.apply) {
      for (const d of report.destroyed) out(`destroyed ${line(d.facts)} record ${d.destructionRecordId}`);
      for (const s of report.skipped) out(`skipped ${line(s.facts)}: ${s.reason}`);
      for (const f of report.failed) out(`FAILED ${line(f.facts)}: ${f.error}`);
    } else {
      for (const f of report.expired) out(`would destroy ${line(f)}`);
    }
    out(
      `summary: organisations ${report.organisations}, expired ${report.expired.length}, destroyed ${report.destroyed.length}, ` +
        `skipped ${report.skipped.length}, failed ${report.failed.length}; kept past their period: ${report.keptOnHold} on legal hold, ${report.keptOpen} still open`,
    );
    return report.failed.length ? 1 : 0;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
