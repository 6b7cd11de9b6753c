import { Category } from '../entities/enums';
import { FIELD_CATEGORIES } from './fields';
import { MUTATIONS, QUERIES } from './operations';
import { Cell, POLICY, RELATIONSHIPS } from './policy';

const REACH_TEXT: Record<string, string> = {
  all: 'all of the dossier',
  own: "only the viewer's own person",
  subject: "only the dossier's subject",
  subjectBsn: "only the subject's BSN",
  ownAndMinors: 'own person and the children; never a confidential address',
  namesOnly: "relatives' names only",
  author: 'only what the viewer wrote',
  notHidden: 'except entries hidden from the viewer',
  granted: 'only if the grant or consent lists it',
  pseudonym: 'names as a pseudonym, unless the grant lists IDENTITY',
  ownRequests: 'only requests the viewer filed',
  dossierLog: "the dossier's access log",
  sign: 'give or withdraw consent as §7 allows for the subject\'s age',
  coSign: 'co-sign a consent (and withdraw it)',
  file: 'file a rights request naming oneself, as §8 allows for the subject\'s age',
};

function cell(c: Cell | undefined): string {
  if (!c?.read && !c?.write) return '—';
  const part = (letter: string, reach: string) => (reach === 'all' ? letter : `${letter} (${reach})`);
  if (c.read && c.write && c.read !== c.write) return `${part('R', c.read)}, ${part('W', c.write)}`;
  const rw = `${c.read ? 'R' : ''}${c.write ? 'W' : ''}`;
  return part(rw, (c.read ?? c.write)!);
}

/**
 * The permissions document: SPEC §4 as the code has it, generated from the policy source and
 * committed as docs/permissions.md (a test fails when it is stale).
 */
export function permissionsDocument(): string {
  const lines: string[] = [
    '# Kluis permissions',
    '',
    'Generated from `src/permissions/` by `npm run permissions:print`; do not edit. A test fails when this file differs from the code.',
    '',
    '## Who reads (R) and writes (W) what',
    '',
    'Per relationship of the viewer to a dossier (derived from data at request time, SPEC §1), per data category (SPEC §3). `—` is never.',
    'An organisation may narrow this (`organisation.policy_narrowing`), never widen it.',
    '',
    `| category | ${RELATIONSHIPS.join(' | ')} |`,
    `| --- | ${RELATIONSHIPS.map(() => '---').join(' | ')} |`,
    ...Object.values(Category).map((c) => `| ${c} | ${RELATIONSHIPS.map((r) => cell(POLICY[r][c])).join(' | ')} |`),
    '',
    'Reaches:',
    '',
    ...Object.entries(REACH_TEXT).map(([k, v]) => `- \`${k}\`: ${v}`),
    '',
    'Always, whatever the cell says: contact data of a person with a confidential address never reaches another client or a partner (§4 note 1); entries hidden from the viewer\'s group are not listed (§4 note 2); a relative reached through the family list shows only what the FAMILY reach allows.',
    '',
    '## Operations',
    '',
    '| operation | who may call it | writes |',
    '| --- | --- | --- |',
    ...Object.entries(QUERIES).map(([name, q]) => `| query \`${name}\` | ${q.who === 'authenticated' ? 'any authenticated viewer; rows and fields decided below' : q.roles.join(', ')} | — |`),
    ...Object.entries(MUTATIONS).map(([name, m]) =>
      'roles' in m
        ? `| mutation \`${name}\` | ${m.roles.join(', ')} | workflow |`
        : `| mutation \`${name}\` | a relationship with W on every category written | ${[...m.writes, `fields of ${m.target}`, ...Object.values(m.nested ?? {}).map((t) => `fields of ${t}`)].join(', ')} (${m.action}) |`,
    ),
    '',
    'Every other Query or Mutation field is denied (graphql-shield `fallbackRule: deny`).',
    '',
    '## Field categories',
    '',
    '`PUBLIC`: not personal data. `OPERATION`: admitted whole by the operation that returns it.',
    '',
    ...Object.entries(FIELD_CATEGORIES).flatMap(([type, fields]) => [
      `- **${type}**: ${Object.entries(fields).map(([f, c]) => `${f} ${c}`).join(', ')}`,
    ]),
    '',
  ];
  return lines.join('\n');
}
