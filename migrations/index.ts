import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { AccessLog1763900001000 } from './1763900001000-access-log';

/** Every migration, in order. Listed explicitly (no glob) so that swc, jest and the build agree. */
export const MIGRATIONS = [InitialSchema1763900000000, AccessLog1763900001000];
