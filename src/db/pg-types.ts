import { types } from 'pg';

const DATE_OID = 1082;

/**
 * `date` columns stay `YYYY-MM-DD` strings. node-pg's default turns them into a Date at local
 * midnight, which shifts a date of birth by a day in any time zone west of UTC.
 */
export function installPgTypeParsers(): void {
  types.setTypeParser(DATE_OID, (v) => v);
}
