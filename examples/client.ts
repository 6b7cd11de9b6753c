import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import type { Category, DossierAccessFieldsFragment } from './generated/graphql';

/**
 * How a frontend talks to Kluis with Apollo Client 4 and the typed documents of
 * `examples/generated/` (`npm run codegen`). `test/dx/apollo-client.test.ts` runs these against
 * the real server.
 */

export interface KluisClientOptions {
  /** e.g. `http://127.0.0.1:4000/graphql` */
  url: string;
  /** The bearer token the identity provider issued (in development: `npm run -s token -- --role …`). */
  token: string;
}

/**
 * One Apollo Client per signed-in viewer. Kluis decides per field, per viewer and per dossier
 * what is returned, so the same `Person:<id>` can be complete for a care worker and mostly
 * withheld for a partner: a cache shared between viewers would mix what each may see. On
 * sign-out, throw the client (and its cache) away.
 */
export function createKluisClient({ url, token }: KluisClientOptions): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` } }),
    cache: new InMemoryCache(),
  });
}

/**
 * The `@include` variables of the portal screens (ParentPortal, YouthView), from `myAccess.read`
 * of the dossier: the screen asks only for the categories the viewer may read, so nothing it
 * asks for comes back FORBIDDEN, and an organisation that narrows the policy (e.g. no CARE for
 * parents) gets a smaller screen instead of errors.
 */
export function screenVariables(access: Pick<DossierAccessFieldsFragment, 'read'>) {
  const can = (category: Category) => access.read.includes(category);
  return {
    canSeeIdentifiers: can('IDENTIFIERS'),
    canSeeFamily: can('FAMILY'),
    canSeeCare: can('CARE'),
    canSeeEntitlement: can('ENTITLEMENT'),
    canSeeAccessLog: can('ACCESS_LOG'),
  };
}

/**
 * The response paths (`dossier.subject.bsn`) of the fields Kluis withheld from this viewer: a
 * denied field arrives as `null` with a FORBIDDEN error at its path, the rest of the result
 * stays (query with `errorPolicy: 'all'` to get both). A screen can show "not visible to you"
 * there instead of an empty value.
 */
export function withheldFields(error: unknown): string[] {
  if (!CombinedGraphQLErrors.is(error)) return [];
  return error.errors.filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => (e.path ?? []).join('.')).sort();
}

/**
 * The GraphQL error codes of a result (`NOT_FOUND`, `FORBIDDEN`, …), in order; empty without
 * errors. Anything else (network, HTTP 401/503) is rethrown: it is not about single fields.
 */
export function errorCodes(error: unknown): string[] {
  if (!error) return [];
  if (!CombinedGraphQLErrors.is(error)) throw error;
  return error.errors.map((e) => String(e.extensions?.code));
}
