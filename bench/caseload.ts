/**
 * The graphql-level caseload run shared by `bench:authz` (wall time) and `bench:instructions`
 * (instruction counts): the same list query — N dossiers × ~30 fields — executed against the
 * bare declared schema or the authorised schema, by a care worker whose caseload is exactly the
 * N dossiers listed, so both return the same rows.
 */
import { DocumentNode, execute, parse } from 'graphql';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { batchFrom } from '../src/audit/access-log';
import { AccessLogWriter } from '../src/audit/access-log-writer';
import type { AuthenticatedViewer } from '../src/auth/viewer';
import { createContext } from '../src/context';
import { statementCount } from '../src/db/data-source';
import { preparedStatements } from '../src/db/prepared';
import { StaffRole } from '../src/entities/enums';
import { buildDeclaredSchema, buildKluisSchema } from '../src/schema/build-schema';
import { encodeCursor } from '../src/services/pagination';
import { bareContext } from './bare';
import { BENCH_ORG, careWorker } from './seed';

export type Variant = 'bare' | 'authz' | 'authz+log';
export const VARIANTS: readonly Variant[] = ['bare', 'authz', 'authz+log'];
export const FIELDS_PER_DOSSIER = 30;

const FIELDS = `id version status type openedOn closedOn legalHold verwijsindexSignalOn
  subject { id firstName lastName dateOfBirth gender nationality street postalCode city phone email bsn idDocumentType }
  family { edges { node { relation hasCustody person { firstName lastName } } } }`;

export interface RunResult {
  ms: number;
  /** The log write as the request pays it: the batch built from the decisions, then appended (HMAC, one statement, commit). */
  logMs: number;
  buildMs: number;
  statements: number;
}

/** Builds both schemas once and returns `run(variant, n)`: one execution of the caseload query of N dossiers. */
export async function caseloadRunner(ds: DataSource): Promise<(variant: Variant, n: number) => Promise<RunResult>> {
  const ordered: { id: string; created_at: Date }[] = await ds.query('SELECT id, created_at FROM dossier WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC', [BENCH_ORG]);
  const documents = new Map<number, DocumentNode>();
  // Lists are capped at 100 per page, so N dossiers are N/100 aliased pages of one query.
  const queryFor = (n: number) => {
    const pages = [];
    for (let start = 0; start < n; start += 100) {
      const after = start === 0 ? '' : `, after: "${encodeCursor([ordered[start - 1].created_at.toISOString(), ordered[start - 1].id])}"`;
      pages.push(`p${start}: dossiers(first: ${Math.min(100, n - start)}${after}) { edges { node { ${FIELDS} } } }`);
    }
    return parse(`{ ${pages.join('\n')} }`);
  };
  const schemas = { bare: buildDeclaredSchema(), authorised: buildKluisSchema() };
  const log = pino({ level: 'silent' });
  const accessLog = new AccessLogWriter(preparedStatements(ds), Buffer.alloc(32, 1));
  let seq = 0;

  return async (variant, n) => {
    if (!documents.has(n)) documents.set(n, queryFor(n));
    const viewer: AuthenticatedViewer = { kind: 'staff', sub: careWorker(n), organisationId: BENCH_ORG, role: StaffRole.CARE_WORKER, clientApp: null };
    const requestId = `bench-${(seq += 1)}`;
    const before = statementCount(ds);
    const started = process.hrtime.bigint();
    const meta = { requestId, operationName: 'bench', sourceAddress: null };
    const ctx = (variant === 'bare' ? bareContext : createContext)(ds, viewer, meta, log, accessLog);
    const result = await execute({ schema: variant === 'bare' ? schemas.bare : schemas.authorised, document: documents.get(n)!, contextValue: ctx });
    if (result.errors?.length) throw new Error(`${variant}: ${result.errors[0].message}`);
    const listed = Object.values(result.data ?? {}).reduce((k: number, c) => k + (c as { edges: unknown[] }).edges.length, 0);
    // Both variants must return the same N dossiers, or the comparison means nothing.
    if (listed !== n) throw new Error(`${variant}: listed ${listed} dossiers, expected ${n}`);
    let logMs = 0;
    let buildMs = 0;
    if (variant === 'authz+log') {
      const t = process.hrtime.bigint();
      const batch = batchFrom(ctx.access.decisions.values(), viewer, ctx.audit.meta)!;
      buildMs = Number(process.hrtime.bigint() - t) / 1e6;
      await accessLog.append(batch);
      logMs = Number(process.hrtime.bigint() - t) / 1e6;
    }
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, logMs, buildMs, statements: statementCount(ds) - before };
  };
}
