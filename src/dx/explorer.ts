import express, { Express, Request, RequestHandler } from 'express';
import path from 'node:path';
import type { Logger } from 'pino';
import type { SigningKey } from '../auth/dev-keys';
import type { Config } from '../config';
import { DemoToken, mintDemoTokens } from '../demo/demo-tokens';
import { EXPLORER_SCRIPT, EXPLORER_STYLE, explorerPage } from './explorer-page';

export interface ExplorerOptions {
  /**
   * Tokens for the demo users, one button each. Only given when the server trusts the
   * development key (no JWKS_URL/JWKS_FILE): a button must never offer a token the server would
   * refuse, nor mint anything with a key it does not trust.
   */
  demoTokens?: () => Promise<DemoToken[]>;
}

/**
 * Only 'self': every script and style comes from this server (no CDN, works offline). No inline
 * script or style is needed — the page's own script and style are files too, the demo tokens
 * travel in a non-executable JSON block, and GraphiQL (React, CodeMirror 5) sets styles through
 * the CSSOM, which style-src does not restrict. Fonts and icons are data: URLs in GraphiQL's CSS.
 * (Checked in headless Chromium: rendering, autocompletion, the docs pane and a query run
 * produce no CSP violation.)
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(res: express.Response): void {
  res.setHeader('content-security-policy', EXPLORER_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  // The page carries live tokens: never cached by a browser or proxy.
  res.setHeader('cache-control', 'no-store');
}

/**
 * The installed files GraphiQL needs, resolved from node_modules. These are development
 * dependencies: resolved only when the explorer is mounted (never in production), and a
 * missing package leaves the explorer answering 503 instead of stopping the server.
 */
function resolveAssets(): Record<string, string> {
  const dirOf = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));
  return {
    'graphiql.min.js': require.resolve('graphiql/graphiql.min.js'),
    'graphiql.min.css': require.resolve('graphiql/graphiql.min.css'),
    'react.production.min.js': path.join(dirOf('react'), 'umd', 'react.production.min.js'),
    'react-dom.production.min.js': path.join(dirOf('react-dom'), 'umd', 'react-dom.production.min.js'),
  };
}

/**
 * Whether and how the server offers the explorer: never in production; demo tokens only when the
 * development key is the key the server trusts (neither JWKS_URL nor JWKS_FILE is configured).
 */
export function explorerOptionsFor(config: Config, devKey: SigningKey | undefined): ExplorerOptions | undefined {
  if (config.env === 'production') return undefined;
  const key = config.jwt.jwksUrl || config.jwt.jwksFile ? undefined : devKey;
  return { demoTokens: key && (() => mintDemoTokens({ key, issuer: config.jwt.issuer, audience: config.jwt.audience })) };
}

const wantsHtml = (req: Request) => req.method === 'GET' && !req.query.query && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';

/**
 * Mounts the development explorer: GraphiQL at `GET /graphiql`, its assets under
 * `/graphiql/assets/`, and a browser's `GET /graphql` redirected there (Apollo's own landing
 * page, which loads from a CDN, is disabled in app.ts). The caller mounts it only outside production.
 */
export function mountExplorer(app: Express, options: ExplorerOptions, log: Logger): void {
  let assets: Record<string, string> | null = null;
  try {
    assets = resolveAssets();
  } catch {
    log.warn('explorer assets (graphiql, react, react-dom) are not installed: install the development dependencies to use /graphiql');
  }

  const redirect: RequestHandler = (req, res, next) => (wantsHtml(req) ? res.redirect(303, '/graphiql') : next());
  app.get('/graphql', redirect);

  app.get('/graphiql', async (_req, res, next) => {
    try {
      securityHeaders(res);
      if (!assets) return void res.status(503).type('text/plain').send('The explorer needs the development dependencies (graphiql, react, react-dom).');
      const tokens = options.demoTokens ? await options.demoTokens() : [];
      res.type('html').send(explorerPage(tokens));
    } catch (err) {
      next(err);
    }
  });

  app.get('/graphiql/assets/explorer.js', (_req, res) => {
    securityHeaders(res);
    res.type('text/javascript').send(EXPLORER_SCRIPT);
  });

  app.get('/graphiql/assets/explorer.css', (_req, res) => {
    securityHeaders(res);
    res.type('text/css').send(EXPLORER_STYLE);
  });

  app.get('/graphiql/assets/:file', (req, res, next) => {
    // Only the four files named above: the parameter never reaches the file system.
    const file = assets?.[String(req.params.file)];
    if (!file || !Object.hasOwn(assets!, String(req.params.file))) return void next();
    securityHeaders(res);
    res.setHeader('cache-control', 'public, max-age=3600');
    res.sendFile(file);
  });
}
