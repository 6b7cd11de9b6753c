import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A staff member as shown to others: a display name, nothing more.' })
export class Professional {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  displayName: string | null;
}
