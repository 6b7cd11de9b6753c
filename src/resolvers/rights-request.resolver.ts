import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import * as E from '../entities';
import { DecideRightsRequestInput, ExtendRightsRequestInput, FileRightsRequestInput } from '../schema/rights-request.input';
import { RightsRequest, RightsRequestConnection, RightsRequestVerification } from '../schema/rights-request.type';
import { Professional } from '../schema/professional.type';
import { LocalDate } from '../schema/scalars';
import { PageArgs } from '../services/pagination';
import { rightsRequestExport } from '../services/rights-export.service';
import {
  confirmRightsRequest, decideRightsRequest, effectiveDueOn, extendRightsRequest, fileRightsRequest, isOverdue, rightsRequestQueue,
} from '../services/rights-request.service';

/** The verification as the field guard sees it: scoped to the request's dossier. */
type VerificationRow = Omit<RightsRequestVerification, 'verifiedBy'> & { dossierId: string; verifiedById: string | null };

@Resolver(() => RightsRequest)
export class RightsRequestResolver {
  @FieldResolver(() => LocalDate, { nullable: true })
  effectiveDueOn(@Root() r: E.RightsRequest) {
    return effectiveDueOn(r);
  }

  @FieldResolver(() => Boolean, { nullable: true })
  overdue(@Root() r: E.RightsRequest) {
    return isOverdue(r);
  }

  @FieldResolver(() => RightsRequestVerification, { nullable: true })
  verification(@Root() r: E.RightsRequest): VerificationRow | null {
    if (!r.verificationMethod) return null;
    return { dossierId: r.dossierId, method: r.verificationMethod, documentType: r.verificationDocumentType as never, verifiedAt: r.verifiedAt, verifiedById: r.verifiedById };
  }

  @Query(() => RightsRequestConnection, { description: "The privacy officer's queue: undecided requests of the organisation by effective due date, overdue ones flagged." })
  rightsRequestQueue(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return rightsRequestQueue(ctx, page);
  }

  @Query(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The export of a granted ACCESS, COPY or PORTABILITY request: the requester\'s own data as one JSON document, for the requester only. Logged as EXPORT.',
  })
  rightsRequestExport(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return rightsRequestExport(ctx, id);
  }

  @Mutation(() => RightsRequest, { nullable: true, description: 'Files a rights request: registered by the privacy officer (with identity verification) or filed by a client naming themself.' })
  fileRightsRequest(@Arg('input') input: FileRightsRequestInput, @Ctx() ctx: Context) {
    return fileRightsRequest(ctx, input);
  }

  @Mutation(() => RightsRequest, { nullable: true, description: 'A named co-requester agrees to a request with their own login.' })
  confirmRightsRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return confirmRightsRequest(ctx, id);
  }

  @Mutation(() => RightsRequest, { nullable: true, description: 'The one extension of up to 2 months, decided within the first month.' })
  extendRightsRequest(@Arg('input') input: ExtendRightsRequestInput, @Ctx() ctx: Context) {
    return extendRightsRequest(ctx, input);
  }

  @Mutation(() => RightsRequest, { nullable: true, description: 'The privacy officer decides; a granted rectification, erasure or early destruction is applied at once.' })
  decideRightsRequest(@Arg('input') input: DecideRightsRequestInput, @Ctx() ctx: Context) {
    return decideRightsRequest(ctx, input);
  }
}

@Resolver(() => RightsRequestVerification)
export class RightsRequestVerificationResolver {
  @FieldResolver(() => Professional, { nullable: true })
  verifiedBy(@Root() v: VerificationRow, @Ctx() ctx: Context) {
    return v.verifiedById ? ctx.loaders.professional.load(v.verifiedById) : null;
  }
}
