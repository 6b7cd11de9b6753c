import { GraphQLError } from 'graphql';
import { EntityManager } from 'typeorm';
import { appendBatch, batchFrom } from '../audit/access-log';
import type { Context } from '../context';
import { timeLogWrite } from '../dx/metrics';
import { ErrorCode } from '../errors/errors';

/**
 * Runs a write in one transaction, and appends the write's access-log events in that same
 * transaction: the change and its event commit together or not at all (SPEC §5, §6). If the
 * log cannot be written, the transaction — and so the change — is rolled back.
 */
export async function inTransaction<T>(ctx: Context, work: (em: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await ctx.ds.transaction(async (em) => {
      const result = await work(em);
      const pending = ctx.access.takePendingWrites();
      try {
        const batch = batchFrom(pending, ctx.viewer, ctx.audit.meta);
        if (batch) await timeLogWrite(ctx, 'write', () => appendBatch(em, ctx.audit.log.key, batch));
      } catch (err) {
        // The change is rolled back with it, and the client is told why (SPEC §6).
        ctx.log.error({ err: { name: (err as Error)?.name, sqlState: (err as { code?: string })?.code } }, 'access log write failed; write rolled back');
        throw new GraphQLError('The access log could not be written, so the change was not made. Try again later.', { extensions: { code: ErrorCode.ACCESS_LOG_UNAVAILABLE } });
      }
      for (const r of pending) r.flushed = true;
      return result;
    });
  } catch (err) {
    // Nothing was written, so nothing is logged: the write's records go (also when `work` failed).
    ctx.access.dropUncommittedWrites();
    throw err;
  }
}

/** Marks a dossier changed: the anchor of "retention from the last change" (SPEC §11). */
export async function touchDossier(em: EntityManager, dossierId: string): Promise<void> {
  await em.query('UPDATE dossier SET last_changed_at = now() WHERE id = $1', [dossierId]);
}
