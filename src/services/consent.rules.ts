import { ConsentSigners, SignerCapacity } from '../entities/enums';

/** The facts a consent's validity depends on, as of the day it was given (SPEC §7). */
export interface SignatureFacts {
  /** The subject's age on the day the consent was given — not today: a consent stays bound to the rules of its day. */
  subjectAge: number;
  subjectId: string;
  /** Family members of the dossier with custody (gezag) now: custody is checked at every use. */
  custodianIds: readonly string[];
  /** Organisation setting for children under 12: one custodian's signature, or all. */
  under12: ConsentSigners;
}

export type SignatureCheck =
  /** Everyone who must sign has signed. */
  | { complete: true; capacities: Map<string, SignerCapacity> }
  /** A required signer is still missing (named in `missing`), the signatures given so far are acceptable. */
  | { complete: false; missing: SignerCapacity; message: string; capacities: Map<string, SignerCapacity> }
  /** A signature that may not be given at all (a parent without custody, a child under 12, a parent for a 16+). */
  | { invalid: string };

/**
 * Who must give a consent for the subject's age on the day it is given (SPEC §7): under 12 a
 * parent with custody (or every custodian, by organisation setting); 12–15 a parent with custody
 * **and** the child; 16+ the youth alone. Returns what is still missing, naming the signer, so
 * that a refusal can say who has to sign.
 */
export function checkSignatures(signers: readonly string[], facts: SignatureFacts): SignatureCheck {
  const custodians = new Set(facts.custodianIds);
  const capacities = new Map<string, SignerCapacity>();
  for (const id of new Set(signers)) {
    if (id === facts.subjectId) {
      if (facts.subjectAge < 12) return { invalid: 'a child under 12 cannot give consent; a parent with custody must' };
      capacities.set(id, SignerCapacity.SUBJECT);
    } else if (custodians.has(id)) {
      // A youth of 16+ decides alone: a parent's signature would suggest a say they do not have.
      if (facts.subjectAge >= 16) return { invalid: 'a youth of 16 or older gives consent alone; a parent cannot sign for them' };
      capacities.set(id, SignerCapacity.PARENT_WITH_CUSTODY);
    } else {
      return { invalid: 'only the subject and parents with custody can give consent; this signer has no custody of the child' };
    }
  }
  const parents = [...capacities.values()].filter((c) => c === SignerCapacity.PARENT_WITH_CUSTODY).length;
  const subjectSigned = capacities.has(facts.subjectId);
  const missing = (who: SignerCapacity, message: string): SignatureCheck => ({ complete: false, missing: who, message, capacities });

  if (facts.subjectAge >= 16) {
    return subjectSigned ? { complete: true, capacities } : missing(SignerCapacity.SUBJECT, 'the youth (16 or older) must give this consent');
  }
  if (facts.subjectAge >= 12) {
    if (!parents) return missing(SignerCapacity.PARENT_WITH_CUSTODY, 'a parent with custody must also sign for a child of 12 to 15');
    if (!subjectSigned) return missing(SignerCapacity.SUBJECT, 'the child (12 to 15) must also sign');
    return { complete: true, capacities };
  }
  if (!custodians.size) return { invalid: 'nobody has custody of this child, so no consent can be given' };
  const needed = facts.under12 === ConsentSigners.ALL ? custodians.size : 1;
  if (parents < needed) {
    return missing(
      SignerCapacity.PARENT_WITH_CUSTODY,
      needed === 1 ? 'a parent with custody must sign for a child under 12' : 'every parent with custody must sign for a child under 12 (organisation setting)',
    );
  }
  return { complete: true, capacities };
}
