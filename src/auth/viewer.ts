import { StaffRole } from '../entities/enums';

export const PARTNER_SCOPES = ['verwijsindex', 'municipality', 'consented'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

/** A staff member with a verified multi-factor login, always inside their own organisation. */
export interface StaffViewer {
  kind: 'staff';
  sub: string;
  organisationId: string;
  role: StaffRole;
  clientApp: string | null;
}

/**
 * A client (parent, child, youth). The token says only who the person is; what they may see in a
 * dossier is derived from the data at request time (SPEC §1), never from a claim.
 */
export interface ClientViewer {
  kind: 'client';
  sub: string;
  organisationId: string;
  personId: string;
  clientApp: string | null;
}

/** A partner application acting under its scopes (SPEC §1). */
export interface PartnerViewer {
  kind: 'partner';
  sub: string;
  organisationId: string;
  clientApp: string;
  scopes: PartnerScope[];
}

/** No token: reaches only what is public. */
export interface AnonymousViewer {
  kind: 'anonymous';
}

export type Viewer = StaffViewer | ClientViewer | PartnerViewer | AnonymousViewer;
export type AuthenticatedViewer = Exclude<Viewer, AnonymousViewer>;

export const ANONYMOUS: AnonymousViewer = Object.freeze({ kind: 'anonymous' });
