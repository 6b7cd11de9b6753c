import { Field, ID, ObjectType } from 'type-graphql';
import { Category } from '../entities/enums';
import { ConnectionType } from './pagination';
import { DateTime } from './scalars';

@ObjectType({ description: 'A temporary, minimal view for an independent auditor (§10).' })
export class AuditorGrant {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  auditorSubject: string;

  @Field(() => String)
  purpose: string;

  @Field(() => [ID])
  dossierIds: string[];

  @Field(() => [Category])
  categories: Category[];

  @Field(() => DateTime)
  validFrom: Date;

  @Field(() => DateTime)
  validUntil: Date;

  @Field(() => DateTime, { nullable: true })
  revokedAt: Date | null;
}

export const AuditorGrantConnection = ConnectionType('AuditorGrant', AuditorGrant);
