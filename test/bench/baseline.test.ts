import { caseloadRunner, VARIANTS } from '../../bench/caseload';
import { seedBench } from '../../bench/seed';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * The benchmark's ratios mean something only if the bare baseline does the same work as Kluis:
 * it lists the same dossiers with the same statements, minus the authorisation. The bare layer
 * lives in bench/ and no request of the app reaches it, so without this a change to the list's
 * contract broke the baseline silently (its list statement became invalid SQL) until the next
 * benchmark run.
 */
describe('bench baseline: the bare layer lists what Kluis lists', () => {
  let db: TestDatabase;
  let run: Awaited<ReturnType<typeof caseloadRunner>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedBench(db.ds, 250);
    run = await caseloadRunner(db.ds);
  });
  afterAll(() => db.drop());

  it.each(VARIANTS)('should list a care worker their whole caseload of 10, 100 and 200 (two pages) in the %s variant', async (variant) => {
    // `run` throws unless the variant returned exactly the caseload, without errors.
    const ten = await run(variant, 10);
    const hundred = await run(variant, 100);
    await run(variant, 200);
    expect(ten.statements).toBeGreaterThan(0);
    // A page costs the same statements whatever its size.
    expect(hundred.statements).toBe(ten.statements);
  });
});
