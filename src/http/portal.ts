import express, { Express, NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DemoToken } from '../demo/demo-tokens';

/**
 * The page may load and talk to nothing but Kluis itself: no inline script or style, no CDN, no
 * framing (clickjacking), no <base> or form target elsewhere. Data is rendered with textContent
 * (portal/portal.js), so this is the second lock, not the first.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The demo clients the portal offers (src/demo/demo-users.ts, data from src/demo/seed.ts). */
export const PORTAL_DEMO_USERS = [
  { id: 'parent', label: 'Sophie de Bruin — moeder met gezag van Emma (14)' },
  { id: 'child_12_15', label: 'Emma Jacobs (14)' },
  { id: 'youth_16_plus', label: 'Daan Smit (17)' },
] as const;

/** Where the static files are: next to `src/` in the repository, also when running from `dist/`. */
function portalDirectory(): string {
  const candidates = [path.resolve(__dirname, '../../portal'), path.resolve(__dirname, '../../../portal'), path.resolve(process.cwd(), 'portal')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`client portal files not found (looked in ${candidates.join(', ')})`);
  return found;
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('content-security-policy', PORTAL_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  // A token is minted here; nothing the portal serves should sit in a cache.
  res.setHeader('cache-control', 'no-store');
  next();
}

export interface ClientPortalOptions {
  production: boolean;
  /**
   * The demo users' development tokens — the same source as the explorer's demo buttons
   * (AppOptions.explorer.demoTokens, src/demo/demo-tokens.ts), given only when the server trusts
   * the development key (no JWKS_URL/JWKS_FILE, never in production). Without it the portal has
   * no demo sign-in and accepts pasted tokens only.
   */
  demoTokens?: () => Promise<DemoToken[]>;
}

/**
 * Mounts the client portal (SPEC §4: a parent or youth sees the dossier as the policy allows, and
 * who viewed it) under `/portal/`: static files, and with `demoTokens` a demo sign-in for the demo
 * clients only (never a staff or partner token: this page is for clients). In production nothing
 * is mounted, so every /portal path is a plain 404.
 */
export function mountClientPortal(app: Express, { production, demoTokens }: ClientPortalOptions): void {
  if (production) return;
  const router = express.Router();
  router.use(securityHeaders);
  // "/portal" → "/portal/", so the page's relative URLs (portal.js, api/…) resolve under it.
  router.use((req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/' && !req.originalUrl.split('?')[0].endsWith('/')) return void res.redirect(301, `${req.baseUrl}/`);
    next();
  });
  // Always answered, so the page can ask without a failed request: an empty list means "paste a token".
  router.get('/api/demo-users', (_req, res) => {
    res.json({ users: demoTokens ? PORTAL_DEMO_USERS : [] });
  });
  if (demoTokens) {
    // POST with a JSON body: a cross-site form cannot send one, and the answer is not cacheable.
    router.post('/api/demo-token', express.json({ limit: '1kb' }), async (req, res, next) => {
      const user = PORTAL_DEMO_USERS.find((u) => u.id === req.body?.user);
      if (!user) return void res.status(400).json({ error: 'unknown demo user' });
      try {
        const token = (await demoTokens()).find((t) => t.id === user.id)?.token;
        if (!token) return void res.status(404).json({ error: 'no token for this demo user' });
        res.json({ token });
      } catch (err) {
        next(err);
      }
    });
  }
  router.use(express.static(portalDirectory(), { index: 'index.html', dotfiles: 'ignore', redirect: false }));
  app.use('/portal', router);
}
