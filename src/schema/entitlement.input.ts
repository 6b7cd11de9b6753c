import { IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { LocalDate } from './scalars';

@InputType()
export class AddEntitlementInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => String)
  @Length(2, 100)
  municipality: string;

  @Field(() => String)
  @Matches(/^[A-Za-z0-9/-]{1,50}$/, { message: 'must be 1-50 letters, digits, / or -' })
  decisionNumber: string;

  @Field(() => String)
  @Length(1, 100)
  product: string;

  @Field(() => LocalDate)
  validFrom: string;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  validUntil?: string | null;
}
