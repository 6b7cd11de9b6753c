import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Category } from '../entities/enums';
import { DateTime } from './scalars';

registerEnumType(Category, { name: 'Category', description: 'Data categories of SPEC §3; every sensitive field declares one.' });

@ObjectType({ description: 'What the viewer may read and write in this dossier, so a screen need not ask for what it cannot show.' })
export class DossierAccess {
  @Field(() => [String], { description: 'Relationships derived from the data: care_worker, emergency, parent, child_12_15, …' })
  relationships: string[];

  @Field(() => [Category])
  read: Category[];

  @Field(() => [Category])
  write: Category[];

  @Field(() => Boolean, { description: 'Access rests on break-the-glass (logged and reviewed).' })
  emergency: boolean;

  @Field(() => DateTime, { nullable: true, description: 'When a time-limited access (emergency, audit, assignment) ends.' })
  expiresAt: Date | null;
}
