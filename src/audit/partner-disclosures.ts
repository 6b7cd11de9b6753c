import type { Viewer } from '../auth/viewer';
import { Category, DisclosureBasis } from '../entities/enums';
import type { Grant } from '../permissions/decide';
import { FIELD_CATEGORIES, isCategory } from '../permissions/fields';
import { POLICY, RelationshipName } from '../permissions/policy';
import type { DecisionRecord } from './access-log';

/** One exchange with a partner application, as appended with the request's log events (SPEC §1, §7). */
export interface PartnerDisclosure {
  dossierId: string;
  categories: Category[];
  legalBasis: DisclosureBasis;
  consentId: string | null;
  legalDuty: string | null;
}

/** The legal duty each legal-duty scope reads under; a `consented` read rests on its consent instead. */
const LEGAL_DUTY: Partial<Record<RelationshipName, string>> = {
  partner_verwijsindex: 'Jeugdwet: verwijsindex risicojongeren',
  partner_municipality: 'Jeugdwet: bekostiging van jeugdhulp door de gemeente',
};

function categoryOfPath(path: string): Category | null {
  const [type, field] = path.split('.');
  const c = FIELD_CATEGORIES[type]?.[field];
  return isCategory(c) ? c : null;
}

/**
 * The disclosures a partner's request made: per dossier, the categories it was given, each
 * attributed to the relationship that allowed it — a legal duty first (it needs no consent),
 * then the consent. Nothing for staff or clients, and nothing for a dossier where no field was
 * given (a denied read disclosed nothing).
 */
export function partnerDisclosures(records: Iterable<DecisionRecord>, viewer: Viewer): PartnerDisclosure[] {
  if (viewer.kind !== 'partner') return [];
  const out: PartnerDisclosure[] = [];
  for (const r of records) {
    if (r.flushed || r.action !== 'READ' || !r.dossierId || !r.granted.size) continue;
    const byGrant = new Map<Grant, Set<Category>>();
    for (const path of r.granted) {
      const category = categoryOfPath(path);
      if (!category) continue;
      const grant = [...r.grants].sort((a, b) => Number(!LEGAL_DUTY[a.relationship]) - Number(!LEGAL_DUTY[b.relationship]))
        .find((g) => POLICY[g.relationship][category]?.read && (!g.categories || LEGAL_DUTY[g.relationship] || g.categories.includes(category)));
      if (!grant) continue;
      if (!byGrant.has(grant)) byGrant.set(grant, new Set());
      byGrant.get(grant)!.add(category);
    }
    for (const [grant, categories] of byGrant) {
      const duty = LEGAL_DUTY[grant.relationship] ?? null;
      out.push({
        dossierId: r.dossierId, categories: [...categories].sort(), legalDuty: duty,
        legalBasis: duty ? DisclosureBasis.LEGAL_DUTY : DisclosureBasis.CONSENT, consentId: duty ? null : grant.basisId,
      });
    }
  }
  return out;
}
