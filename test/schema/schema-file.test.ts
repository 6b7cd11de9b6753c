import { readFileSync } from 'node:fs';
import path from 'node:path';
import { printKluisSchema } from '../../src/schema/build-schema';

describe('schema.graphql', () => {
  it('should be exactly the schema the code builds (run `npm run schema:print` after changing it)', () => {
    const committed = readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
    expect(printKluisSchema()).toBe(committed);
  });

  it('should show the category of sensitive fields as a directive', () => {
    const printed = printKluisSchema();
    expect(printed).toMatch(/bsn: String @category\(name: IDENTIFIERS\)/);
    expect(printed).toMatch(/text: String @category\(name: WORK_NOTES\)/);
  });
});
