import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { EntryKind, HiddenFrom } from '../entities/enums';
import { ConnectionType } from './pagination';
import { Professional } from './professional.type';
import { LocalDate } from './scalars';

registerEnumType(EntryKind, { name: 'EntryKind' });
registerEnumType(HiddenFrom, { name: 'HiddenFrom' });

@ObjectType({ description: 'A journal entry: contact, observation, evaluation, questionnaire or correspondence.' })
export class Entry {
  @Field(() => ID)
  id: string;

  @Field(() => EntryKind, { nullable: true })
  kind: EntryKind | null;

  @Field(() => LocalDate, { nullable: true })
  occurredOn: string | null;

  @Field(() => String, { nullable: true })
  text: string | null;

  @Field(() => [HiddenFrom], { nullable: true })
  hiddenFrom: HiddenFrom[] | null;

  @Field(() => Professional, { nullable: true })
  author: Professional | null;
}

export const EntryConnection = ConnectionType('Entry', Entry);
