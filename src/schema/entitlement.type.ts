import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from './pagination';
import { LocalDate } from './scalars';

@ObjectType({ description: 'Beschikking: the municipal decision that funds the care.' })
export class Entitlement {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  municipality: string | null;

  @Field(() => String, { nullable: true })
  decisionNumber: string | null;

  @Field(() => String, { nullable: true })
  product: string | null;

  @Field(() => LocalDate, { nullable: true })
  validFrom: string | null;

  @Field(() => LocalDate, { nullable: true })
  validUntil: string | null;
}

export const EntitlementConnection = ConnectionType('Entitlement', Entitlement);
