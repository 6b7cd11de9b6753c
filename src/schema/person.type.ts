import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Gender, IdDocumentType } from '../entities/enums';
import { LocalDate } from './scalars';

registerEnumType(Gender, { name: 'Gender' });
registerEnumType(IdDocumentType, { name: 'IdDocumentType' });

/** A person as seen through one dossier. Every personal field is nullable: the policy may withhold it. */
@ObjectType()
export class Person {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  version: number;

  @Field(() => String, { nullable: true })
  firstName: string | null;

  @Field(() => String, { nullable: true })
  lastName: string | null;

  @Field(() => LocalDate, { nullable: true })
  dateOfBirth: string | null;

  @Field(() => Gender, { nullable: true })
  gender: Gender | null;

  @Field(() => String, { nullable: true })
  nationality: string | null;

  @Field(() => String, { nullable: true })
  street: string | null;

  @Field(() => String, { nullable: true })
  postalCode: string | null;

  @Field(() => String, { nullable: true })
  city: string | null;

  @Field(() => String, { nullable: true })
  phone: string | null;

  @Field(() => String, { nullable: true })
  email: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Contact data is hidden from other clients and partners.' })
  addressConfidential: boolean | null;

  @Field(() => String, { nullable: true, description: 'Burgerservicenummer.' })
  bsn: string | null;

  @Field(() => IdDocumentType, { nullable: true })
  idDocumentType: IdDocumentType | null;

  @Field(() => String, { nullable: true })
  idDocumentNumber: string | null;
}
