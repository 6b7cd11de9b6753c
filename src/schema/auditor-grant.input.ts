import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsDate, IsEnum, IsUUID, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Category } from '../entities/enums';
import { DateTime } from './scalars';

@InputType()
export class CreateAuditorGrantInput {
  @Field(() => String, { description: "The auditor's token subject (`sub`)." })
  @Length(1, 200)
  auditorSubject: string;

  @Field(() => String)
  @Length(5, 500)
  purpose: string;

  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  dossierIds: string[];

  @Field(() => [Category], { description: 'Never CONTACT, IDENTIFIERS, WORK_NOTES or ACCESS_LOG.' })
  @ArrayUnique()
  @IsEnum(Category, { each: true })
  categories: Category[];

  @Field(() => DateTime)
  @IsDate()
  validFrom: Date;

  @Field(() => DateTime, { description: 'At most 30 days after validFrom.' })
  @IsDate()
  validUntil: Date;
}
