import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { ErrorCode } from '../errors/errors';
import { batchFrom } from './access-log';
import { partnerDisclosures } from './partner-disclosures';
import { timeLogWrite } from '../dx/metrics';

/**
 * The choke point that writes a request's access-log events: once, as one batch, after
 * execution and before a single byte of the response is sent (Apollo awaits
 * `willSendResponse`); the app's `AccessLogWriter` commits it, alone or with the batches of
 * requests finishing at the same time. Fail-closed (SPEC §6): if the events cannot be
 * committed, the whole result — every value in it — is replaced by ACCESS_LOG_UNAVAILABLE.
 */
export function accessLogPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          contextValue.audit.meta.operationName = operationName ?? null;
        },
        async willSendResponse({ contextValue, response }) {
          // No context: the request was refused before execution (e.g. 401); nothing was read.
          if (!contextValue?.access) return;
          // A write that failed before its transaction (validation, a service check) changed nothing: no write event.
          contextValue.access.dropUncommittedWrites();
          const records = [...contextValue.access.decisions.values()];
          const batch = batchFrom(records, contextValue.viewer, contextValue.audit.meta);
          if (!batch) return;
          try {
            await timeLogWrite(contextValue, 'read', () => contextValue.audit.log.append(batch, partnerDisclosures(records, contextValue.viewer)));
            for (const r of records) r.flushed = true;
          } catch (err) {
            contextValue.log.error({ err: { name: (err as Error)?.name, sqlState: (err as { code?: string })?.code } }, 'access log write failed; response withheld');
            response.http.status = 503;
            response.body = {
              kind: 'single',
              singleResult: {
                errors: [{ message: 'The access log could not be written, so no data was released. Try again later.', extensions: { code: ErrorCode.ACCESS_LOG_UNAVAILABLE } }],
              },
            };
          }
        },
      };
    },
  };
}
