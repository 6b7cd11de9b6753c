import { readFileSync } from 'node:fs';
import path from 'node:path';
import { permissionsDocument } from '../../src/permissions/document';
import { POLICY } from '../../src/permissions/policy';

describe('docs/permissions.md', () => {
  it('should be exactly what the policy source generates (run `npm run permissions:print` after changing the policy)', () => {
    expect(readFileSync(path.resolve(__dirname, '../../docs/permissions.md'), 'utf8')).toBe(permissionsDocument());
  });

  it('should show each relationship\'s cell for each category as the policy has it', () => {
    const doc = permissionsDocument();
    expect(POLICY.parent.IDENTIFIERS?.read).toBe('subjectBsn');
    expect(doc).toMatch(/\| IDENTIFIERS \| RW \| R \| — \| RW \| — \| — \| R \(subjectBsn\) \| — \| R \(own\) \|/);
    expect(doc).toMatch(/\| WORK_NOTES \| RW \(author\) \| — \|/);
  });
});
