import { Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class AddWorkNoteInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => String)
  @Length(1, 10000)
  text: string;
}

@InputType()
export class UpdateWorkNoteInput {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  @Length(1, 10000)
  text: string;
}
