import { DateTimeISOResolver, LocalDateResolver } from 'graphql-scalars';

/** A calendar date `YYYY-MM-DD` (dates of birth, opened/closed dates): no time zone to get wrong. */
export const LocalDate = LocalDateResolver;
/** An instant, ISO 8601 in UTC with milliseconds. */
export const DateTime = DateTimeISOResolver;
