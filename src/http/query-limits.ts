import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getNamedType, GraphQLError } from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../errors/errors';

/**
 * Limits a query must stay within before anything runs (SPEC §12, OWASP GraphQL cheat sheet).
 * Generous for every screen Kluis serves (the dossier page is depth 7, ~200 tokens, cost ~300),
 * tight enough that a hostile query is refused at parse or validation time.
 */
export const QUERY_LIMITS = { depth: 12, aliases: 20, tokens: 3000, directives: 30, cost: 20_000 } as const;

/** Marks the limit errors; the message itself says which limit, never the numbers. */
const TOO_COMPLEX = 'Query is too complex';

/**
 * Depth, aliases, tokens and directives by graphql-armor (a maintained library made for this),
 * before execution; its messages carry no limit values (`exposeLimits: false`).
 */
export function armorProtection(production: boolean) {
  const reject = (what: string) => ({ exposeLimits: false, errorMessage: `${TOO_COMPLEX}: ${what}`, propagateOnRejection: true });
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.depth, ...reject('it is nested too deeply') },
    maxAliases: { n: QUERY_LIMITS.aliases, ...reject('it uses too many aliases') },
    // graphql-js's own parser limit instead (`tokenLimit` below): armor's Apollo plugin re-parses
    // in `parsingDidStart`, where any syntax error becomes an HTTP 500 instead of a 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.directives, ...reject('it uses too many directives') },
    // The list-aware cost below replaces armor's cost limit, which ignores page sizes.
    costLimit: { enabled: false },
    // Apollo hides suggestions in production already (hideSchemaDetailsFromClientErrors); this is the second lock.
    blockFieldSuggestion: { enabled: production },
  }).protect();
}

/** A connection's cost is its page size (`first`, default 20) times what each node costs. */
const listEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  if (!getNamedType(field.type).name.endsWith('Connection')) return undefined;
  const first = typeof args.first === 'number' ? args.first : 20;
  return 1 + childComplexity * first;
};

/**
 * The cost limit with list sizes counted (graphql-query-complexity), checked once the
 * operation is resolved and before any resolver runs.
 */
export function costLimitPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema, query: document, operationName: request.operationName ?? undefined, variables: request.variables ?? {},
              estimators: [listEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            // Variables that do not coerce: nothing will execute, and Apollo reports them (BAD_USER_INPUT).
            return;
          }
          if (cost > QUERY_LIMITS.cost) {
            throw new GraphQLError(`${TOO_COMPLEX}: it asks for too much data at once; ask for smaller pages`, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } });
          }
        },
      };
    },
  };
}

/** Apollo's `parseOptions`: graphql-js stops parsing a document past the token limit (a 400, before validation). */
export const tokenLimit = { maxTokens: QUERY_LIMITS.tokens };

/**
 * Recognises the limit rejections — graphql-armor's ("Query is too complex: …") and graphql-js's
 * token limit ("Document contains more that N tokens" — sic, graphql 16 — whose number must not reach the client).
 */
export function tooComplexMessage(message: string): string | null {
  if (/^Syntax Error: Document contains more th(?:an|at) \d+ tokens/.test(message)) return `${TOO_COMPLEX}: it is too long`;
  const m = new RegExp(`^(?:Syntax Error: )?(${TOO_COMPLEX}: .*)$`).exec(message);
  return m ? m[1] : null;
}
