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
