import { createTestDatabase, TestDatabase } from '../support/database';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('should leave nothing for TypeORM to change: the entities and the migrations agree', async () => {
    const log = await db.ds.driver.createSchemaBuilder().log();
    expect(log.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should have no pending migration after the template was migrated', async () => {
    expect(await db.ds.showMigrations()).toBe(false);
  });

  it('should give every table an organisation_id column', async () => {
    const rows: { table_name: string }[] = await db.ds.query(`
      SELECT t.table_name FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND t.table_name <> 'kluis_migrations'
        AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_name = t.table_name AND c.column_name = 'organisation_id')`);
    expect(rows.map((r) => r.table_name)).toEqual([]);
  });

  it('should roll back and re-apply cleanly', async () => {
    await db.ds.undoLastMigration({ transaction: 'all' });
    expect(await db.ds.showMigrations()).toBe(true);
    await db.ds.runMigrations({ transaction: 'each' });
    expect(await db.ds.showMigrations()).toBe(false);
  });
});
