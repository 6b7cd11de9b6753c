import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { ErrorCode } from '../errors/errors';
import { viewerOfResponse } from './authenticate';

/**
 * Requests per minute per token subject (per client application for partners; per address
 * without a token), with express-rate-limit. The count lives in the process: with several
 * processes or replicas each counts its own share — a shared store (e.g. rate-limit-redis)
 * plugs in here when one limit must hold across them (docs/scaling.md).
 */
export function rateLimitPerSubject(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const viewer = viewerOfResponse(res);
      // Without a token: per address, IPv6 grouped by /64 so one host cannot rotate through its range.
      if (viewer.kind === 'anonymous') return `ip:${ipKeyGenerator(req.ip ?? '')}`;
      return `${viewer.organisationId}:${viewer.kind === 'partner' ? viewer.clientApp : viewer.sub}`;
    },
    handler: (_req, res) => {
      res.status(429).json({ errors: [{ message: 'Too many requests; try again later', extensions: { code: ErrorCode.RATE_LIMITED } }] });
    },
  });
}
