import type { RequestHandler } from 'express';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ErrorCode } from '../errors/errors';
import { viewerOfResponse } from './authenticate';

/** Per partner client id: the operations it may run, by the sha256 (hex) of their text. */
export type OperationAllowlist = Record<string, Record<string, string>>;

export function loadAllowlist(file: string): OperationAllowlist {
  return JSON.parse(readFileSync(file, 'utf8')) as OperationAllowlist;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Persisted operations as an allowlist for partner applications (issue 7; Apollo's APQ is a
 * cache, not an allowlist, §14). A partner whose client id is listed may run only the listed
 * operations: by hash alone (`extensions.persistedQuery.sha256Hash`) or by a text whose hash is
 * listed. Anything else is refused before it is parsed. Unlisted clients are not restricted here.
 */
export function operationAllowlist(allowlist: OperationAllowlist): RequestHandler {
  return (req, res, next) => {
    const viewer = viewerOfResponse(res);
    const allowed = viewer.kind === 'partner' ? allowlist[viewer.clientApp] : undefined;
    if (!allowed) return next();
    const body = (req.body ?? {}) as { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };
    const hash = typeof body.query === 'string' ? sha256(body.query) : body.extensions?.persistedQuery?.sha256Hash;
    const text = typeof hash === 'string' ? allowed[hash] : undefined;
    if (!text) {
      return void res.status(403).json({ errors: [{ message: 'This operation is not on the allowlist of this client', extensions: { code: ErrorCode.FORBIDDEN } }] });
    }
    // The allowlisted text is what runs; the persisted-query extension has done its job.
    const { extensions: _persisted, ...rest } = body;
    req.body = { ...rest, query: text };
    next();
  };
}
