import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLFormattedError } from 'graphql';
import { tooComplexMessage } from '../http/query-limits';
import { DATABASE_FAULT_MESSAGES, databaseFault } from '../db/unavailable';
import { ErrorCode } from './errors';

/** Codes whose message was written for the client and may be shown as is. */
export const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
]);

interface ValidationErrorLike {
  property: string;
  target?: object;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/** The first failing property of a class-validator tree as a dotted path with its message. */
function firstViolation(errors: ValidationErrorLike[], prefix: string): { field: string; message: string } | null {
  for (const e of errors) {
    const field = `${prefix}.${e.property}`;
    const constraint = e.constraints && Object.values(e.constraints)[0];
    if (constraint) return { field, message: constraint.replace(new RegExp(`^${e.property} `), '') };
    const nested = e.children && firstViolation(e.children, field);
    if (nested) return nested;
  }
  return null;
}

/** Apollo's message for a variable that failed coercion names the path: `… at "input.type"; …`. */
function variableField(message: string): string | undefined {
  const m = /^Variable "\$(\w+)" got invalid value .*? at "([^"]+)"/.exec(message) ?? /^Variable "\$(\w+)"/.exec(message);
  return m ? (m[2] ?? m[1]) : undefined;
}

/**
 * The only path from an error to a client. Keeps what was written for the client (code,
 * message, field, path) and replaces everything else with a bare INTERNAL_SERVER_ERROR: no
 * stack, no SQL, no input values (class-validator and pg errors carry them) ever leave.
 */
export function createErrorFormatter() {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error) as { extensions?: Record<string, unknown>; code?: string; constraint?: string; message?: string } | undefined;
    const code = String(formatted.extensions?.code ?? '');
    const base = { locations: formatted.locations, path: formatted.path };

    const limit = tooComplexMessage(formatted.message);
    if (limit) return { message: limit, extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } };

    const validationErrors = original?.extensions?.validationErrors as ValidationErrorLike[] | undefined;
    if (code === ErrorCode.BAD_USER_INPUT && validationErrors) {
      // Inputs arrive as one `input` argument; @ArgsType arguments (first, after) stand alone.
      const standalone = validationErrors[0]?.target?.constructor.name.endsWith('Args');
      const v = firstViolation(validationErrors, standalone ? '' : 'input') ?? { field: 'input', message: 'is invalid' };
      const field = v.field.replace(/^\./, '');
      return { ...base, message: `${field}: ${v.message}`, extensions: { code, field } };
    }
    if (original?.code === '23505') {
      return { ...base, message: 'This already exists (a unique value is taken)', extensions: { code: ErrorCode.CONFLICT } };
    }
    if (!CLIENT_CODES.has(code)) {
      // The database is away or too slow: expected in operation and transient, so the client is
      // told so (still INTERNAL_SERVER_ERROR, SPEC §12 has no code of its own for it) — without
      // anything of the driver's error (host, port, SQL).
      const fault = databaseFault(original);
      if (fault) return { ...base, message: DATABASE_FAULT_MESSAGES[fault], extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
    if (CLIENT_CODES.has(code)) {
      const field = (formatted.extensions?.field as string | undefined) ?? (code === ErrorCode.BAD_USER_INPUT ? variableField(formatted.message) : undefined);
      return { ...base, message: formatted.message, extensions: { code, ...(field ? { field } : {}) } };
    }
    return { ...base, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

/**
 * What may be logged of an unexpected error. Database errors (they carry a SQLSTATE `code`) are
 * logged by code, constraint and routine only: PostgreSQL messages can quote input values
 * ("invalid input syntax for type uuid: …"), and `detail` quotes row contents.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  const e = error as { name?: string; message?: string; code?: unknown; constraint?: string; routine?: string };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return { name: e.name, sqlState: e.code, constraint: e.constraint, routine: e.routine };
  return { name: e?.name, message: e?.message };
}
