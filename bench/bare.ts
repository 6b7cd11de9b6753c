/**
 * The "bare" Kluis used only as the benchmark's baseline: the same server, schema, resolvers,
 * services and DataLoaders, with no authorisation and no access log. It is assembled here, in
 * the harness — there is no flag or option in src/ that turns authorisation off, so a running
 * server cannot be switched to it.
 */
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { AccessLayer, AppOptions, assembleServer, KluisApp } from '../src/app';
import type { RequestMeta } from '../src/audit/access-log';
import type { AccessLogWriter } from '../src/audit/access-log-writer';
import type { AuthenticatedViewer } from '../src/auth/viewer';
import type { Context } from '../src/context';
import { createLoaders } from '../src/services/loaders';
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
      list: (page: (visible: string) => string) => `WITH page AS (${page('d.id IN (SELECT id FROM dossier WHERE organisation_id = $1)')}) SELECT page.* FROM page`,
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

export function bareContext(ds: DataSource, viewer: AuthenticatedViewer, meta: RequestMeta, log: Logger, accessLog: AccessLogWriter): Context {
  const loaders = createLoaders(ds.manager, viewer.organisationId);
  // The app's writer is in the context as in Kluis, but nothing calls it: the bare layer has no log plugin.
  return { requestId: meta.requestId, viewer, ds, loaders, access: new BareAccess(viewer, loaders) as unknown as Context['access'], log, audit: { log: accessLog, meta } };
}

/**
 * The bare server: Kluis's own server (`assembleServer`: HTTP stack, request ids, rate limit,
 * operation allowlist, query depth/alias/cost limits, error formatting, the same options) around
 * a layer without shield rules, field guard or access-log plugin.
 */
export function createBareApp(options: AppOptions): Promise<KluisApp> {
  return assembleServer(options, { schema: buildDeclaredSchema(), context: bareContext as AccessLayer['context'], plugins: [] });
}
