import { StaffRole } from '../entities/enums';

/**
 * Fixed ids of the fictional demo organisation, so that `npm run token -- --role …` can mint a
 * token for a demo user without asking the database.
 */
export const DEMO_ORG_ID = 'd0000000-0000-4000-8000-000000000001';

export const DEMO_STAFF: Record<StaffRole, { sub: string; name: string }> = {
  [StaffRole.CARE_WORKER]: { sub: 'demo-care-worker', name: 'Sanne de Wit (gezinswerker)' },
  [StaffRole.BEHAVIOURAL_EXPERT]: { sub: 'demo-behavioural-expert', name: 'Pieter Kok (gedragsdeskundige)' },
  [StaffRole.ADMIN_SUPPORT]: { sub: 'demo-admin-support', name: 'Fatima El Idrissi (administratie)' },
  [StaffRole.PRIVACY_OFFICER]: { sub: 'demo-privacy-officer', name: 'Joost Brouwer (FG)' },
  [StaffRole.AUDITOR]: { sub: 'demo-auditor', name: 'Mirjam Vos (auditor)' },
};

/** A care worker of the organisation with no assignment: for emergency-access demos. */
export const DEMO_UNASSIGNED_CARE_WORKER = { sub: 'demo-care-worker-2', name: 'Ahmed Yilmaz (gezinswerker)' };

/** Demo clients: people in the demo families who can sign in to the client portal. */
export const DEMO_CLIENTS = {
  /** Mother with custody of Emma (14); her address is confidential. */
  parent: { personId: 'd0000000-0000-4000-8000-000000000102', sub: 'demo-parent' },
  /** Emma, 14. */
  child_12_15: { personId: 'd0000000-0000-4000-8000-000000000101', sub: 'demo-child' },
  /** Daan, 17. */
  youth_16_plus: { personId: 'd0000000-0000-4000-8000-000000000201', sub: 'demo-youth' },
} as const;
