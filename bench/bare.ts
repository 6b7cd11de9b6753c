/**
 * The "bare" Kluis used only as the benchmark's baseline: the same schema, resolvers, services,
 * DataLoaders and HTTP stack, with no authorisation and no access log. It is built here, in the
 * harness, from pieces the server never assembles this way — there is no flag or option in
 * src/ that turns authorisation off, so a running server cannot be switched to it.
 */
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { AccessLogWriter } from '../src/audit/access-log-writer';
import type { AuthenticatedViewer } from '../src/auth/viewer';
import type { Context } from '../src/context';
import { createLoaders } from '../src/services/loaders';
import type { TokenVerifier } from '../src/auth/token-verifier';
import { buildDeclaredSchema } from '../src/schema/build-schema';

/** Answers every access question with "yes", without a query: the cost authorisation would add is gone. */
class BareAccess {
  readonly decisions = new Map();
  constructor(private readonly viewer: AuthenticatedViewer, private readonly loaders: ReturnType<typeof createLoaders>) {}
  async dossier(id: string) {
    return this.loaders.dossier.load(id);
  }
  visibleDossiers() {
    return {
      list: (page: (visibleIds: string) => string) => `WITH page AS (${page('SELECT id FROM dossier WHERE organisation_id = $1')}) SELECT page.*, NULL::json AS kluis_grants FROM page`,
      params: [this.viewer.organisationId],
    };
  }
  async admit() {}
  hiddenGroup() {
    return '';
  }
  viewerFacts() {
    return { personId: null, professionalId: null };
  }
}

export function bareContext(ds: DataSource, viewer: AuthenticatedViewer, requestId: string): Context {
  const loaders = createLoaders(ds.manager, viewer.organisationId);
  return {
    requestId, viewer, ds, loaders, access: new BareAccess(viewer, loaders) as unknown as Context['access'], log: pino({ level: 'silent' }),
    // A writer nothing calls: the bare build has no log plugin.
    audit: { log: new AccessLogWriter(ds, Buffer.alloc(32)), meta: { requestId, operationName: null, sourceAddress: null } },
  };
}

/** The bare HTTP app: same Express + Apollo setup as src/app.ts, minus shield, field guard and log plugin. */
export async function createBareApp(ds: DataSource, verifyToken: TokenVerifier) {
  const apollo = new ApolloServer<Context>({ schema: buildDeclaredSchema(), introspection: false, includeStacktraceInErrorResponses: false });
  await apollo.start();
  const app = express();
  app.disable('x-powered-by');
  let n = 0;
  app.use('/graphql', express.json({ limit: '256kb' }), expressMiddleware(apollo, {
    context: async ({ req }) => {
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      return bareContext(ds, await verifyToken(m![1]), `bare-${(n += 1)}`);
    },
  }));
  return { app, apollo };
}
