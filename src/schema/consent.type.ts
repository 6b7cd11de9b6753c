import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Category, ConsentKind, ConsentMethod, ConsentScope, DisclosureBasis, SignerCapacity } from '../entities/enums';
import './dossier-access.type';
import { ConnectionType } from './pagination';
import { DateTime, LocalDate } from './scalars';

registerEnumType(ConsentKind, { name: 'ConsentKind' });
registerEnumType(ConsentScope, { name: 'ConsentScope' });
registerEnumType(ConsentMethod, { name: 'ConsentMethod' });
registerEnumType(SignerCapacity, { name: 'SignerCapacity', description: 'In which capacity a person signed a consent.' });
registerEnumType(DisclosureBasis, { name: 'DisclosureBasis', description: 'The legal basis of an exchange with a third party (SPEC §7).' });

/** Where a consent stands today; derived, never stored, so it cannot disagree with the dates. */
export enum ConsentStatus {
  ACTIVE = 'ACTIVE',
  AWAITING_SIGNATURE = 'AWAITING_SIGNATURE',
  NOT_YET_VALID = 'NOT_YET_VALID',
  EXPIRED = 'EXPIRED',
  CONSUMED = 'CONSUMED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ConsentStatus, { name: 'ConsentStatus' });

@ObjectType({ description: 'A signature on a consent: who, in which capacity, when.' })
export class ConsentSignature {
  @Field(() => ID, { nullable: true })
  personId: string | null;

  @Field(() => SignerCapacity, { nullable: true })
  capacity: SignerCapacity | null;

  @Field(() => DateTime, { nullable: true })
  signedAt: Date | null;
}

@ObjectType({ description: 'Consent for one exchange (or a period) with a named recipient.' })
export class Consent {
  @Field(() => ID)
  id: string;

  @Field(() => ConsentKind, { nullable: true })
  kind: ConsentKind | null;

  @Field(() => ConsentStatus, { nullable: true, description: 'ACTIVE only when complete, not withdrawn, not used up and within its period.' })
  status: ConsentStatus | null;

  @Field(() => String, { nullable: true })
  recipientName: string | null;

  @Field(() => String, { nullable: true, description: 'The partner application that may read under this consent.' })
  recipientClientId: string | null;

  @Field(() => ID, { nullable: true, description: 'PARENTAL_ACCESS: the parent the youth lets keep reading.' })
  recipientPersonId: string | null;

  @Field(() => String, { nullable: true })
  purpose: string | null;

  @Field(() => [Category], { nullable: true })
  categories: Category[] | null;

  @Field(() => ConsentScope, { nullable: true })
  scope: ConsentScope | null;

  @Field(() => ConsentMethod, { nullable: true })
  method: ConsentMethod | null;

  @Field(() => LocalDate, { nullable: true })
  validFrom: string | null;

  @Field(() => LocalDate, { nullable: true })
  validUntil: string | null;

  @Field(() => DateTime, { nullable: true })
  givenAt: Date | null;

  @Field(() => [ConsentSignature], { nullable: true })
  signedBy: ConsentSignature[] | null;

  @Field(() => SignerCapacity, { nullable: true, description: 'Whose signature is still missing before the consent counts.' })
  awaitingSignature: SignerCapacity | null;

  @Field(() => DateTime, { nullable: true, description: 'When a SINGLE_EXCHANGE consent was used by its disclosure.' })
  consumedAt: Date | null;

  @Field(() => DateTime, { nullable: true })
  withdrawnAt: Date | null;
}

export const ConsentConnection = ConnectionType('Consent', Consent);

@ObjectType({ description: 'An exchange of dossier data with a third party, with its legal basis (SPEC §7).' })
export class Disclosure {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  recipientName: string | null;

  @Field(() => String, { nullable: true })
  recipientClientId: string | null;

  @Field(() => [Category], { nullable: true })
  categories: Category[] | null;

  @Field(() => DateTime, { nullable: true })
  disclosedAt: Date | null;

  @Field(() => DisclosureBasis, { nullable: true })
  legalBasis: DisclosureBasis | null;

  @Field(() => ID, { nullable: true })
  consentId: string | null;

  @Field(() => String, { nullable: true })
  legalDuty: string | null;

  @Field(() => String, { nullable: true, description: 'SAFETY (Meldcode): why the data was shared without consent.' })
  safetyReason: string | null;

  @Field(() => String, { nullable: true, description: 'SAFETY: the role (never the name) of the colleague consulted.' })
  consultedColleagueRole: string | null;

  @Field(() => Boolean, { nullable: true })
  clientInformed: boolean | null;

  @Field(() => String, { nullable: true })
  clientInformedHow: string | null;

  @Field(() => DateTime, { nullable: true })
  clientInformedAt: Date | null;

  @Field(() => String, { nullable: true })
  clientNotInformedReason: string | null;
}

export const DisclosureConnection = ConnectionType('Disclosure', Disclosure);
