import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DestructionReason, DossierType, RetentionAnchor } from '../entities/enums';
import { ConnectionType } from './pagination';
import { DateTime, LocalDate } from './scalars';

registerEnumType(RetentionAnchor, {
  name: 'RetentionAnchor',
  description: 'What a retention period counts from (SPEC §11).',
  valuesConfig: {
    LAST_CHANGE: { description: 'The last change to the dossier or anything in it (Jeugdwet: 20 years).' },
    LAST_CONTACT: { description: 'The latest journal entry of kind CONTACT; the last change when there was none.' },
  },
});
registerEnumType(DestructionReason, { name: 'DestructionReason' });

@ObjectType({ description: "The organisation's retention rule (SPEC §11). Privacy officer only." })
export class RetentionSettings {
  @Field(() => Int, { description: 'Retention period in months (default 240: 20 years).' })
  retentionMonths: number;

  @Field(() => RetentionAnchor)
  retentionAnchor: RetentionAnchor;

  @Field(() => Int, { nullable: true, description: 'A longer period for YOUTH_PROTECTION dossiers; null = the general period.' })
  youthProtectionRetentionMonths: number | null;
}

@ObjectType({ description: 'What stays of a destroyed dossier: ids, type, rule and dates — no personal data (SPEC §11).' })
export class DestructionRecord {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  dossierId: string;

  @Field(() => DossierType)
  dossierType: DossierType;

  @Field(() => Int)
  retentionMonths: number;

  @Field(() => RetentionAnchor)
  retentionAnchor: RetentionAnchor;

  @Field(() => LocalDate)
  anchorDate: string;

  @Field(() => LocalDate, { description: 'The dossier was kept up to and including this day.' })
  expiresOn: string;

  @Field(() => DateTime)
  destroyedAt: Date;

  @Field(() => DestructionReason)
  reason: DestructionReason;

  @Field(() => ID, { nullable: true, description: 'The EARLY_DESTRUCTION rights request that was carried out.' })
  rightsRequestId: string | null;
}

export const DestructionRecordConnection = ConnectionType('DestructionRecord', DestructionRecord);
