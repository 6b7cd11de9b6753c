import { IsBoolean, IsEnum, IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { RetentionAnchor } from '../entities/enums';

/** Bounds of a retention period: 6 months (the shortest rule in use) to 100 years. */
export const MIN_RETENTION_MONTHS = 6;
export const MAX_RETENTION_MONTHS = 1200;

@InputType({ description: 'The whole retention rule; every call replaces it.' })
export class RetentionSettingsInput {
  @Field(() => Int, { description: `Months, ${MIN_RETENTION_MONTHS}–${MAX_RETENTION_MONTHS}: e.g. 240 (20 years), 180, 60, 6.` })
  @IsInt()
  @Min(MIN_RETENTION_MONTHS)
  @Max(MAX_RETENTION_MONTHS)
  retentionMonths: number;

  @Field(() => RetentionAnchor)
  @IsEnum(RetentionAnchor)
  retentionAnchor: RetentionAnchor;

  @Field(() => Int, { nullable: true, description: 'A longer period for YOUTH_PROTECTION dossiers (at least retentionMonths); null = the general period.' })
  @IsOptional()
  @IsInt()
  @Min(MIN_RETENTION_MONTHS)
  @Max(MAX_RETENTION_MONTHS)
  youthProtectionRetentionMonths?: number | null;
}

@InputType()
export class SetLegalHoldInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => Boolean, { description: 'true: destruction is blocked until the hold is lifted.' })
  @IsBoolean()
  legalHold: boolean;

  @Field(() => String, { description: 'Why the hold is set or lifted (e.g. a running complaint or court case); 10–2000 characters.' })
  @Length(10, 2000)
  legalHoldReason: string;
}
