import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsEnum, IsOptional, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Category, ConsentKind, ConsentMethod, ConsentScope, DisclosureBasis } from '../entities/enums';
import { DateTime, LocalDate } from './scalars';

@InputType({ description: 'A consent as given by the client(s) (SPEC §7). Staff record who signed; a client signs themself.' })
export class GiveConsentInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => ConsentKind, { nullable: true, defaultValue: ConsentKind.DISCLOSURE })
  @IsEnum(ConsentKind)
  kind: ConsentKind;

  @Field(() => String)
  @Length(1, 200)
  recipientName: string;

  @Field(() => String, { nullable: true, description: 'The partner application (token client id) that may read under this consent.' })
  @IsOptional()
  @Length(1, 200)
  recipientClientId?: string;

  @Field(() => ID, { nullable: true, description: 'PARENTAL_ACCESS: the parent with custody who may keep reading.' })
  @IsOptional()
  recipientPersonId?: string;

  @Field(() => String)
  @Length(1, 500)
  purpose: string;

  @Field(() => [Category], { nullable: true, description: 'What may be shared (DISCLOSURE). Never WORK_NOTES or ACCESS_LOG.' })
  @IsOptional()
  @ArrayUnique()
  @ArrayMaxSize(10)
  @IsEnum(Category, { each: true })
  categories?: Category[];

  @Field(() => ConsentScope)
  @IsEnum(ConsentScope)
  scope: ConsentScope;

  @Field(() => ConsentMethod)
  @IsEnum(ConsentMethod)
  method: ConsentMethod;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  validFrom?: string;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  validUntil?: string;

  @Field(() => DateTime, { nullable: true, description: 'When it was given, if earlier than now (a written consent recorded later). Its day decides who had to sign.' })
  @IsOptional()
  givenAt?: Date;

  @Field(() => [ID], { nullable: true, description: 'Staff: the persons who signed. Ignored for a client, who signs as themself.' })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  signedBy?: string[];
}

@InputType({ description: 'An exchange with a third party outside Kluis, with its legal basis (SPEC §7).' })
export class RecordDisclosureInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => String)
  @Length(1, 200)
  recipientName: string;

  @Field(() => [Category])
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(Category, { each: true })
  categories: Category[];

  @Field(() => DisclosureBasis)
  @IsEnum(DisclosureBasis)
  legalBasis: DisclosureBasis;

  @Field(() => ID, { nullable: true, description: 'CONSENT: the consent it rests on; it must be valid now.' })
  @IsOptional()
  consentId?: string;

  @Field(() => String, { nullable: true, description: 'LEGAL_DUTY: which duty (e.g. Raad voor de Kinderbescherming, Jeugdwet art. 7.3.11).' })
  @IsOptional()
  @Length(1, 300)
  legalDuty?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2000)
  safetyReason?: string;

  @Field(() => String, { nullable: true, description: 'SAFETY: the consulted colleague\'s role (e.g. aandachtsfunctionaris), never a name.' })
  @IsOptional()
  @Length(1, 100)
  consultedColleagueRole?: string;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  clientInformed?: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 500)
  clientInformedHow?: string;

  @Field(() => DateTime, { nullable: true })
  @IsOptional()
  clientInformedAt?: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2000)
  clientNotInformedReason?: string;
}
