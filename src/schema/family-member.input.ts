import { Equals, IsBoolean, IsEnum, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Optional } from './validators';
import { FamilyRelation } from '../entities/enums';
import { PersonInput } from './person.input';

@InputType()
export class AddFamilyMemberInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => FamilyRelation)
  @IsEnum(FamilyRelation)
  relation: FamilyRelation;

  @Field(() => Boolean)
  @IsBoolean()
  hasCustody: boolean;

  @Field(() => Boolean, { description: 'A relative is registered only after being informed: must be true.' })
  @Equals(true, { message: 'must be true: a relative is registered only after being informed' })
  informedOfRegistration: boolean;

  @Field(() => ID, { nullable: true, description: 'An existing person of the organisation (e.g. a parent already in a sibling’s dossier).' })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @Field(() => PersonInput, { nullable: true, description: 'A new person; give either this or personId.' })
  @IsOptional()
  @ValidateNested()
  person?: PersonInput;
}

@InputType()
export class UpdateFamilyMemberInput {
  @Field(() => ID)
  id: string;

  @Field(() => FamilyRelation, { nullable: true })
  @Optional()
  @IsEnum(FamilyRelation)
  relation?: FamilyRelation;

  @Field(() => Boolean, { nullable: true })
  @Optional()
  @IsBoolean()
  hasCustody?: boolean;
}
