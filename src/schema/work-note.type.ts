import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from './pagination';
import { DateTime } from './scalars';

@ObjectType({ description: "A professional's personal working note; only its author ever sees it." })
export class WorkNote {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  text: string | null;

  @Field(() => DateTime, { nullable: true })
  createdAt: Date | null;

  @Field(() => DateTime, { nullable: true })
  updatedAt: Date | null;
}

export const WorkNoteConnection = ConnectionType('WorkNote', WorkNote);
