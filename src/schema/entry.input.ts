import { ArrayUnique, IsEnum, IsOptional, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { EntryKind, HiddenFrom } from '../entities/enums';
import { LocalDate } from './scalars';
import { NotInFuture } from './validators';

@InputType()
export class AddEntryInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => EntryKind)
  @IsEnum(EntryKind)
  kind: EntryKind;

  @Field(() => LocalDate)
  @NotInFuture()
  occurredOn: string;

  @Field(() => String)
  @Length(1, 10000)
  text: string;

  @Field(() => [HiddenFrom], { nullable: true, description: 'Groups this entry is hidden from, to protect another person.' })
  @IsOptional()
  @ArrayUnique()
  @IsEnum(HiddenFrom, { each: true })
  hiddenFrom?: HiddenFrom[];
}
