import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { TokenVerifier } from '../auth/token-verifier';
import { ANONYMOUS, Viewer } from '../auth/viewer';
import { unauthenticated } from '../errors/errors';

/** Bearer token → Viewer. A malformed header or a bad token refuses the whole request (401). */
async function viewerOf(req: Request, verifyToken: TokenVerifier): Promise<Viewer> {
  const header = req.headers.authorization;
  if (header === undefined) return ANONYMOUS;
  const m = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
  if (!m) throw unauthenticated('Invalid token: Authorization header must be "Bearer <token>"');
  return verifyToken(m[1]);
}

/** The viewer verified for this request (set by `authenticate`). */
export function viewerOfResponse(res: Response): Viewer {
  return (res.locals.viewer as Viewer | undefined) ?? ANONYMOUS;
}

/**
 * Verifies the token before anything else sees the request, so that rate limits and the
 * operation allowlist work on the verified subject and client — never on a claimed one.
 * A bad token is refused as a whole: HTTP 401, UNAUTHENTICATED, nothing executed.
 */
export function authenticate(verifyToken: TokenVerifier): RequestHandler {
  return (req, res, next: NextFunction) => {
    viewerOf(req, verifyToken).then(
      (viewer) => {
        res.locals.viewer = viewer;
        res.locals.viewerKind = viewer.kind === 'staff' ? viewer.role : viewer.kind;
        next();
      },
      (err: unknown) => {
        const message = err instanceof GraphQLError ? err.message : 'Invalid token';
        res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
      },
    );
  };
}
