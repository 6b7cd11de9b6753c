import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Category } from '../entities/enums';
import { READ_REACHES, WORKFLOW_WRITE_REACHES } from '../permissions/policy';
import { DateTime } from './scalars';

registerEnumType(Category, { name: 'Category', description: 'Data categories of SPEC §3; every sensitive field declares one.' });

const REACH = Object.fromEntries([...READ_REACHES, ...WORKFLOW_WRITE_REACHES].map((r) => [r, r]));
registerEnumType(REACH, {
  name: 'Reach',
  description: 'How far a permission reaches inside a dossier (the conditions of the §4 table; see docs/permissions.md).',
});

@ObjectType({ description: 'How far the viewer reads and writes one category in this dossier.' })
export class CategoryAccess {
  @Field(() => Category)
  category: Category;

  @Field(() => REACH, { nullable: true, description: 'e.g. namesOnly: relatives show their names and nothing else; own: only your own person.' })
  read: string | null;

  @Field(() => REACH, { nullable: true, description: 'e.g. sign: give and withdraw consent; file: file your own rights requests.' })
  write: string | null;
}

@ObjectType({ description: 'What the viewer may read and write in this dossier, so a screen need not ask for what it cannot show.' })
export class DossierAccess {
  @Field(() => [String], { description: 'Relationships derived from the data: care_worker, emergency, parent, child_12_15, …' })
  relationships: string[];

  @Field(() => [Category])
  read: Category[];

  @Field(() => [Category])
  write: Category[];

  @Field(() => [CategoryAccess], { description: 'Per readable or writable category, how far: lets a screen skip fields outside the reach too.' })
  reaches: CategoryAccess[];

  @Field(() => Boolean, { description: 'Access rests on break-the-glass (logged and reviewed).' })
  emergency: boolean;

  @Field(() => DateTime, { nullable: true, description: 'When a time-limited access (emergency, audit, assignment) ends.' })
  expiresAt: Date | null;
}
