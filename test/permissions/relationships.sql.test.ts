import { randomUUID } from 'node:crypto';
import type { AuthenticatedViewer } from '../../src/auth/viewer';
import { PARTNER_SCOPES } from '../../src/auth/viewer';
import { StaffRole } from '../../src/entities/enums';
import { grantSql } from '../../src/permissions/relationships.sql';

const today = '2026-12-07';
const org = randomUUID();

describe('grantSql (the relationship rows of a viewer)', () => {
  const viewers: [string, AuthenticatedViewer][] = [
    ...Object.values(StaffRole).map((role): [string, AuthenticatedViewer] => [
      `staff ${role}`,
      { kind: 'staff', sub: randomUUID(), organisationId: org, role, clientApp: null },
    ]),
    ['client', { kind: 'client', sub: randomUUID(), organisationId: org, personId: randomUUID(), clientApp: null }],
    ...PARTNER_SCOPES.map((scope): [string, AuthenticatedViewer] => [
      `partner ${scope}`,
      { kind: 'partner', sub: randomUUID(), organisationId: org, clientApp: 'app', scopes: [scope] },
    ]),
  ];

  it.each(viewers)('should give a %s at least one relationship SELECT, bound to its organisation', (_, viewer) => {
    const { sql, params } = grantSql(viewer, today);
    expect(sql).toMatch(/^\s*SELECT /);
    expect(params).toContain(org);
  });

  it('should refuse a viewer without any kind of relationship instead of listing nothing', () => {
    const scopeless: AuthenticatedViewer = { kind: 'partner', sub: randomUUID(), organisationId: org, clientApp: 'app', scopes: [] };
    expect(() => grantSql(scopeless, today)).toThrow(/without any kind of relationship/);
  });
});
