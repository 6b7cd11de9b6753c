import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { RequestMeta } from './audit/access-log';
import type { AccessLogWriter } from './audit/access-log-writer';
import type { Viewer } from './auth/viewer';
import { AccessService } from './permissions/access.service';
import { createLoaders, Loaders } from './services/loaders';

/** Everything a resolver may use. Created fresh per request: nothing in it is shared between viewers. */
export interface Context {
  requestId: string;
  viewer: Viewer;
  ds: DataSource;
  loaders: Loaders;
  access: AccessService;
  log: Logger;
  /** The app's access-log writer and the request facts every event carries. */
  audit: { log: AccessLogWriter; meta: RequestMeta };
}

/** Matches no organisation: an anonymous request's loaders can load nothing. */
const NO_ORGANISATION = '00000000-0000-0000-0000-000000000000';

export function createContext(ds: DataSource, viewer: Viewer, meta: RequestMeta, log: Logger, accessLog: AccessLogWriter): Context {
  const loaders = createLoaders(ds.manager, viewer.kind === 'anonymous' ? NO_ORGANISATION : viewer.organisationId);
  return { requestId: meta.requestId, viewer, ds, loaders, access: new AccessService(viewer, ds, loaders), log, audit: { log: accessLog, meta } };
}
