import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { QueryCounter } from './query-counter';

/**
 * Runs a hot query as a named prepared statement: PostgreSQL plans it once per connection
 * instead of on every request (the relationship query's planning cost more than its execution).
 * The name derives from the text, so each distinct shape is prepared once.
 */
export async function preparedQuery<T>(ds: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const name = `k_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  (ds.logger as unknown as QueryCounter).statements += 1;
  const pool = (ds.driver as unknown as { master: { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }> } }).master;
  return (await pool.query({ name, text, values })).rows;
}
