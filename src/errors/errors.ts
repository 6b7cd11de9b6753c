import { GraphQLError } from 'graphql';

/** Error codes of SPEC §12. Every error a client sees carries one of these in `extensions.code`. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  CONSENT_REQUIRED: 'CONSENT_REQUIRED',
  ACCESS_LOG_UNAVAILABLE: 'ACCESS_LOG_UNAVAILABLE',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A request without an acceptable token. Refused as a whole with HTTP 401 (SPEC §12). */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

export function forbidden(message = 'Not allowed'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/**
 * Used both for ids that do not exist and for rows the viewer has no relationship to: the two
 * must be indistinguishable, or the answer itself discloses that a dossier exists (SPEC §1, §3).
 */
export function notFound(what = 'Dossier'): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: ErrorCode.NOT_FOUND } });
}

/** Invalid input, naming the offending field (e.g. `input.subject.bsn`). */
export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
}

/** An exchange (a partner read, a recorded disclosure) without a consent that counts now (SPEC §7). */
export function consentRequired(message = 'No valid consent for this exchange'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONSENT_REQUIRED } });
}
