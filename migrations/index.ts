import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { AccessLog1763900001000 } from './1763900001000-access-log';
import { Consent1764000001000 } from './1764000001000-consent';
import { RightsRequests1764000002000 } from './1764000002000-rights-requests';
import { Retention1764000003000 } from './1764000003000-retention';
import { AccessLogShapes1764000004000 } from './1764000004000-access-log-shapes';
import { AccessLogBatches1764000005000 } from './1764000005000-access-log-batches';
import { AccessLogAppendV41764000006000 } from './1764000006000-access-log-append-v4';
import { AccessLogEventArrays1764000007000 } from './1764000007000-access-log-event-arrays';
import { AccessLogStatistics1764000008000 } from './1764000008000-access-log-statistics';
import { AccessLogDossierStatistics1764000009000 } from './1764000009000-access-log-dossier-statistics';
import { AccessLogChecksInAppend1764000010000 } from './1764000010000-access-log-checks-in-append';
import { AccessLogRowsInline1764000011000 } from './1764000011000-access-log-rows-inline';

/** Every migration, in order. Listed explicitly (no glob) so that swc, jest and the build agree. */
export const MIGRATIONS = [InitialSchema1763900000000, AccessLog1763900001000, Consent1764000001000, RightsRequests1764000002000, Retention1764000003000, AccessLogShapes1764000004000, AccessLogBatches1764000005000, AccessLogAppendV41764000006000,
  AccessLogEventArrays1764000007000, AccessLogStatistics1764000008000, AccessLogDossierStatistics1764000009000,
  AccessLogChecksInAppend1764000010000, AccessLogRowsInline1764000011000];
