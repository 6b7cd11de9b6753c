import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsDate, IsEnum, IsOptional, IsUUID, Length, MaxLength, ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { IdDocumentType, RefusalGround, RightsDecision, RightsRequestType, VerificationMethod } from '../entities/enums';
import { DateTime, LocalDate } from './scalars';
import { NotInFuture } from './validators';

/** The person fields a granted RECTIFICATION may correct. Identifiers and journal text are not among them (see README). */
export enum CorrectableField {
  firstName = 'firstName',
  lastName = 'lastName',
  dateOfBirth = 'dateOfBirth',
  gender = 'gender',
  nationality = 'nationality',
  street = 'street',
  postalCode = 'postalCode',
  city = 'city',
  phone = 'phone',
  email = 'email',
}
registerEnumType(CorrectableField, { name: 'CorrectableField', description: 'A person field a granted rectification may correct.' });

@InputType({ description: 'How the privacy officer checked the requesters\' identity. Never a copy, never a document number.' })
export class RightsVerificationInput {
  @Field(() => VerificationMethod)
  @IsEnum(VerificationMethod)
  method: VerificationMethod;

  @Field(() => IdDocumentType, { nullable: true, description: 'Required unless the method is DIGID.' })
  @IsOptional()
  @IsEnum(IdDocumentType)
  documentType?: IdDocumentType | null;

  @Field(() => DateTime, { nullable: true, description: 'Default: now.' })
  @IsOptional()
  @IsDate()
  verifiedAt?: Date | null;
}

@InputType({ description: 'A rights request: registered by the privacy officer (with verification), or filed by a client naming themself.' })
export class FileRightsRequestInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => RightsRequestType)
  @IsEnum(RightsRequestType)
  type: RightsRequestType;

  @Field(() => [ID], { description: '16+: the youth; 12–15: the child and a parent with custody; under 12: a parent with custody.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  requesterPersonIds: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 5000)
  description?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Privacy officer only: the day the request was received (default today).' })
  @IsOptional()
  @NotInFuture()
  receivedOn?: string | null;

  @Field(() => RightsVerificationInput, { nullable: true, description: 'Required when the privacy officer registers a request; not given by clients.' })
  @IsOptional()
  @ValidateNested()
  verification?: RightsVerificationInput | null;
}

@InputType()
export class ExtendRightsRequestInput {
  @Field(() => ID)
  id: string;

  @Field(() => LocalDate, { description: 'After the due date, at most 2 months after it.' })
  extendedDueOn: string;

  @Field(() => String)
  @Length(10, 2000)
  reason: string;
}

@InputType({ description: 'One correction of a person field: which person, which field, which new value (null clears an optional field).' })
export class PersonCorrectionInput {
  @Field(() => ID)
  @IsUUID()
  personId: string;

  @Field(() => CorrectableField)
  @IsEnum(CorrectableField)
  field: CorrectableField;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  value?: string | null;
}

@InputType({ description: 'What a granted erasure removes: journal entries, and relatives (their family record, and the person if nothing else refers to them).' })
export class ErasureInput {
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  entryIds?: string[] | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  familyMemberIds?: string[] | null;
}

@InputType()
export class DecideRightsRequestInput {
  @Field(() => ID)
  id: string;

  @Field(() => RightsDecision)
  @IsEnum(RightsDecision)
  decision: RightsDecision;

  @Field(() => RefusalGround, { nullable: true, description: 'Required for REFUSED and PARTIALLY_GRANTED; not allowed for GRANTED.' })
  @IsOptional()
  @IsEnum(RefusalGround)
  refusalGround?: RefusalGround | null;

  @Field(() => String, { nullable: true, description: 'Required for REFUSED and PARTIALLY_GRANTED.' })
  @IsOptional()
  @Length(1, 5000)
  note?: string | null;

  @Field(() => [PersonCorrectionInput], { nullable: true, description: 'RECTIFICATION: the corrections applied when (partially) granted.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  corrections?: PersonCorrectionInput[] | null;

  @Field(() => ErasureInput, { nullable: true, description: 'ERASURE: what is erased when (partially) granted.' })
  @IsOptional()
  @ValidateNested()
  erasure?: ErasureInput | null;
}
