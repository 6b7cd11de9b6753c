import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { FamilyRelation } from '../entities/enums';
import { ConnectionType } from './pagination';
import { Person } from './person.type';

registerEnumType(FamilyRelation, { name: 'FamilyRelation' });

@ObjectType()
export class FamilyMember {
  @Field(() => ID)
  id: string;

  @Field(() => FamilyRelation, { nullable: true })
  relation: FamilyRelation | null;

  @Field(() => Boolean, { nullable: true, description: 'Gezag: custody of the dossier subject.' })
  hasCustody: boolean | null;

  @Field(() => Boolean, { nullable: true })
  informedOfRegistration: boolean | null;

  @Field(() => Person, { nullable: true })
  person: Person | null;
}

export const FamilyMemberConnection = ConnectionType('FamilyMember', FamilyMember);
