import { IsEnum, IsOptional, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { DossierStatus, DossierType } from '../entities/enums';
import { PersonInput } from './person.input';
import { LocalDate } from './scalars';
import { NotInFuture, Optional } from './validators';

@InputType()
export class CreateDossierInput {
  @Field(() => DossierType)
  @IsEnum(DossierType)
  type: DossierType;

  @Field(() => LocalDate)
  @NotInFuture()
  openedOn: string;

  @Field(() => PersonInput, { description: 'The child or youth the dossier is about.' })
  @ValidateNested()
  subject: PersonInput;
}

@InputType()
export class UpdateDossierInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  version: number;

  @Field(() => DossierType, { nullable: true })
  @Optional()
  @IsEnum(DossierType)
  type?: DossierType;

  @Field(() => DossierStatus, { nullable: true })
  @Optional()
  @IsEnum(DossierStatus)
  status?: DossierStatus;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  @NotInFuture()
  closedOn?: string | null;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  @NotInFuture()
  verwijsindexSignalOn?: string | null;
}
