import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditorGrant, Consent, ConsentSignature, Dossier, Organisation, Person, Professional } from '../../src/entities';
import { Category, ConsentKind, ConsentMethod, ConsentScope, SignerCapacity } from '../../src/entities/enums';
import type { PolicyNarrowing } from '../../src/entities/organisation.entity';
import { dutchToday } from '../../src/util/dates';
import type { GqlResult } from './test-app';

/**
 * Small row builders for the permission scenarios: rows that have no mutation yet (consents) or
 * whose mutation is not what a scenario is about (auditor grants), inserted directly.
 */

const rnd = () => randomBytes(4).toString('hex');

/** A youth's PARENTAL_ACCESS consent (SPEC §1, §7) naming one parent as recipient. */
export async function aParentalAccessConsent(
  ds: DataSource,
  org: Organisation,
  dossier: Dossier,
  parent: Person,
  fields: Partial<Consent> = {},
): Promise<Consent> {
  const repo = ds.getRepository(Consent);
  return signed(ds, await repo.save(repo.create({
    organisationId: org.id, dossierId: dossier.id, kind: ConsentKind.PARENTAL_ACCESS, recipientName: `${parent.firstName} ${parent.lastName}`,
    recipientPersonId: parent.id, recipientClientId: null, purpose: 'Ouder blijft meelezen', categories: [], scope: ConsentScope.PERIOD,
    validFrom: dutchToday(), validUntil: null, method: ConsentMethod.WRITTEN, givenAt: new Date(), consumedAt: null, withdrawnAt: null,
    ...fields,
  })), dossier.subjectId, SignerCapacity.SUBJECT);
}

/** A DISCLOSURE consent (SPEC §7) for a partner application, by its client id. */
export async function aDisclosureConsent(
  ds: DataSource,
  org: Organisation,
  dossier: Dossier,
  clientId: string,
  categories: Category[],
  fields: Partial<Consent> = {},
): Promise<Consent> {
  const repo = ds.getRepository(Consent);
  return signed(ds, await repo.save(repo.create({
    organisationId: org.id, dossierId: dossier.id, kind: ConsentKind.DISCLOSURE, recipientName: `Partner ${clientId}`, recipientPersonId: null,
    recipientClientId: clientId, purpose: `Afstemming ${rnd()}`, categories, scope: ConsentScope.PERIOD, validFrom: dutchToday(), validUntil: null,
    method: ConsentMethod.WRITTEN, givenAt: new Date(), consumedAt: null, withdrawnAt: null, ...fields,
  })), dossier.subjectId, SignerCapacity.SUBJECT);
}

/** A consent counts only with a signature (SPEC §7); these rows get the subject's. */
async function signed(ds: DataSource, consent: Consent, personId: string, capacity: SignerCapacity): Promise<Consent> {
  await ds.getRepository(ConsentSignature).insert({ organisationId: consent.organisationId, consentId: consent.id, personId, capacity, signedAt: consent.givenAt });
  return consent;
}

/** An auditor grant row (SPEC §10), valid from an hour ago for a day unless told otherwise. */
export async function anAuditorGrant(
  ds: DataSource,
  org: Organisation,
  createdBy: Professional,
  spec: { auditorSubject: string; dossierIds: string[]; categories: Category[]; validFrom?: Date; validUntil?: Date },
): Promise<AuditorGrant> {
  const repo = ds.getRepository(AuditorGrant);
  const saved = await repo.save(repo.create({
    organisationId: org.id, auditorSubject: spec.auditorSubject, purpose: `Kwaliteitsaudit ${rnd()}`, dossierIds: spec.dossierIds,
    categories: spec.categories, validFrom: spec.validFrom ?? new Date(Date.now() - 3600_000), validUntil: spec.validUntil ?? new Date(Date.now() + 86400_000),
    createdById: createdBy.id, revokedAt: null, pseudonymKey: randomBytes(32),
  }));
  return saved;
}

/** Sets the organisation's policy narrowing (SPEC §4: an organisation may only narrow). */
export async function narrowPolicy(ds: DataSource, org: Organisation, narrowing: PolicyNarrowing): Promise<void> {
  await ds.query('UPDATE organisation SET policy_narrowing = $2::jsonb WHERE organisation_id = $1', [org.id, JSON.stringify(narrowing)]);
}

/** Count of rows in a table, optionally filtered. */
export async function rowCount(ds: DataSource, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  return (await ds.query(`select count(*)::int as n from ${table} where ${where}`, params))[0].n;
}

/** The error codes of a response, in order. */
export const codes = (res: GqlResult): string[] | undefined => res.errors?.map((e) => e.extensions.code);

export type GqlError = NonNullable<GqlResult['errors']>[number];

/** The error at exactly this response path, if any. */
export function errorAt(res: GqlResult, path: (string | number)[]): GqlError | undefined {
  return res.errors?.find((e) => JSON.stringify(e.path) === JSON.stringify(path));
}

/** The code of the error at exactly this path (undefined when the field resolved without error). */
export const codeAt = (res: GqlResult, path: (string | number)[]): string | undefined => errorAt(res, path)?.extensions.code;

/** The response paths of all FORBIDDEN errors, joined with dots, sorted. */
export const forbiddenPaths = (res: GqlResult): string[] =>
  (res.errors ?? []).filter((e) => e.extensions.code === 'FORBIDDEN').map((e) => (e.path ?? []).join('.')).sort();

/** Node list of a connection in a response. */
export function nodes<T = Record<string, any>>(connection: { edges: { node: T }[] } | null | undefined): T[] {
  return connection?.edges.map((e) => e.node) ?? [];
}
