import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('data source', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('should connect with the session settings Kluis relies on: statement timeout and an SSD page cost', async () => {
    // Every pooled connection gets them at connect: ask on several at once.
    const rows: { timeout: string; cost: string }[][] = await Promise.all(
      Array.from({ length: 4 }, () => db.ds.query(`SELECT current_setting('statement_timeout') AS timeout, current_setting('random_page_cost') AS cost`)),
    );
    for (const [row] of rows) expect(row).toEqual({ timeout: '15s', cost: '1.1' });
  });
});

describe('data source: one query at a time per connection', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('should run queries sent at once on one connection one after the other, each with its own answer', async () => {
    // TypeORM's schema builder sends a table's column-type lookups at once on one query runner;
    // pg queues them itself but calls that deprecated (a hard error from pg 9). The query runner
    // of a transaction is the same case for any code that awaits several queries together.
    const runner = db.ds.createQueryRunner();
    const client = (await runner.connect()) as Client;
    const active = { now: 0, most: 0 };
    const send = Client.prototype.query;
    const spy = jest.spyOn(client, 'query');
    // Count the queries pg itself holds for this client: sent and not yet answered.
    const pgQuery = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      active.now += 1;
      active.most = Math.max(active.most, active.now);
      const result = (send as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      return result.finally(() => void (active.now -= 1));
    } as never);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const answers = await Promise.all([0.05, 0, 0.02, 0].map((s, i) => runner.query(`SELECT pg_sleep($1::float8), $2::int AS n`, [s, i])));
      expect(answers.map(([r]) => r.n)).toEqual([0, 1, 2, 3]);
      expect(spy).toHaveBeenCalledTimes(4);
      expect(active.most).toBe(1);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.includes('already executing a query'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      pgQuery.mockRestore();
      await runner.release();
    }
  });
});
