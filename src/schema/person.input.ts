import { IsBoolean, IsEmail, IsEnum, IsOptional, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { Gender, IdDocumentType } from '../entities/enums';
import { LocalDate } from './scalars';
import { IsBsn, NotInFuture, Optional } from './validators';

const POSTAL_CODE = /^[1-9][0-9]{3} ?[A-Z]{2}$/;
const PHONE = /^\+?[0-9][0-9 -]{5,18}$/;
const DOCUMENT_NUMBER = /^[A-Z0-9]{6,30}$/;

/** Fields shared by creating and updating a person. A null clears an optional field. */
@InputType()
abstract class PersonFields {
  @Field(() => Gender, { nullable: true })
  @Optional()
  @IsEnum(Gender)
  gender?: Gender;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 60)
  nationality?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  street?: string | null;

  @Field(() => String, { nullable: true, description: 'Dutch postal code, e.g. "1234 AB".' })
  @IsOptional()
  @Matches(POSTAL_CODE, { message: 'must be a Dutch postal code like 1234 AB' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  city?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PHONE, { message: 'must be a phone number' })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  @IsEmail()
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsBsn()
  bsn?: string | null;

  @Field(() => IdDocumentType, { nullable: true })
  @IsOptional()
  @IsEnum(IdDocumentType)
  idDocumentType?: IdDocumentType | null;

  @Field(() => String, { nullable: true, description: 'Only the number: Kluis never stores a copy of the document.' })
  @IsOptional()
  @Matches(DOCUMENT_NUMBER, { message: 'must be 6-30 capital letters and digits' })
  idDocumentNumber?: string | null;

  @Field(() => Boolean, { nullable: true })
  @Optional()
  @IsBoolean()
  addressConfidential?: boolean;
}

@InputType()
export class PersonInput extends PersonFields {
  @Field(() => String)
  @Length(1, 100)
  firstName: string;

  @Field(() => String)
  @Length(1, 100)
  lastName: string;

  @Field(() => LocalDate)
  @NotInFuture()
  dateOfBirth: string;
}

@InputType()
export class UpdatePersonInput extends PersonFields {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The dossier through which the person is edited; access is decided on it.' })
  dossierId: string;

  @Field(() => Int)
  version: number;

  @Field(() => String, { nullable: true })
  @Optional()
  @Length(1, 100)
  firstName?: string;

  @Field(() => String, { nullable: true })
  @Optional()
  @Length(1, 100)
  lastName?: string;

  @Field(() => LocalDate, { nullable: true })
  @ValidateIf((_o, v) => v !== undefined)
  @NotInFuture()
  dateOfBirth?: string;
}
