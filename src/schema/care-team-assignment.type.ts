import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AssignmentRole } from '../entities/enums';
import { ConnectionType } from './pagination';
import { Professional } from './professional.type';
import { DateTime } from './scalars';

registerEnumType(AssignmentRole, { name: 'AssignmentRole' });

@ObjectType()
export class CareTeamAssignment {
  @Field(() => ID)
  id: string;

  @Field(() => AssignmentRole, { nullable: true })
  role: AssignmentRole | null;

  @Field(() => DateTime, { nullable: true })
  validFrom: Date | null;

  @Field(() => DateTime, { nullable: true })
  validUntil: Date | null;

  @Field(() => Professional, { nullable: true })
  professional: Professional | null;
}

export const CareTeamAssignmentConnection = ConnectionType('CareTeamAssignment', CareTeamAssignment);
