import { IsDate, IsEnum, IsOptional, IsUUID } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AssignmentRole } from '../entities/enums';
import { DateTime } from './scalars';

@InputType()
export class AssignCareTeamMemberInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => ID)
  @IsUUID()
  professionalId: string;

  @Field(() => AssignmentRole)
  @IsEnum(AssignmentRole)
  role: AssignmentRole;

  @Field(() => DateTime, { nullable: true, description: 'Default: now.' })
  @IsOptional()
  @IsDate()
  validFrom?: Date;

  @Field(() => DateTime, { nullable: true })
  @IsOptional()
  @IsDate()
  validUntil?: Date | null;
}

@InputType()
export class EndCareTeamAssignmentInput {
  @Field(() => ID)
  id: string;

  @Field(() => DateTime, { nullable: true, description: 'Default: now.' })
  @IsOptional()
  @IsDate()
  validUntil?: Date;
}
