import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConsentKind, ConsentMethod, ConsentScope } from '../entities/enums';
import { ConnectionType } from './pagination';
import { DateTime, LocalDate } from './scalars';

registerEnumType(ConsentKind, { name: 'ConsentKind' });
registerEnumType(ConsentScope, { name: 'ConsentScope' });
registerEnumType(ConsentMethod, { name: 'ConsentMethod' });

@ObjectType({ description: 'Consent for one exchange (or a period) with a named recipient.' })
export class Consent {
  @Field(() => ID)
  id: string;

  @Field(() => ConsentKind, { nullable: true })
  kind: ConsentKind | null;

  @Field(() => String, { nullable: true })
  recipientName: string | null;

  @Field(() => String, { nullable: true })
  purpose: string | null;

  @Field(() => [String], { nullable: true })
  categories: string[] | null;

  @Field(() => ConsentScope, { nullable: true })
  scope: ConsentScope | null;

  @Field(() => ConsentMethod, { nullable: true })
  method: ConsentMethod | null;

  @Field(() => LocalDate, { nullable: true })
  validFrom: string | null;

  @Field(() => LocalDate, { nullable: true })
  validUntil: string | null;

  @Field(() => DateTime, { nullable: true })
  givenAt: Date | null;

  @Field(() => DateTime, { nullable: true })
  withdrawnAt: Date | null;
}

export const ConsentConnection = ConnectionType('Consent', Consent);
