import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { AccessLogEntry } from '../schema/access-log.type';

@Resolver(() => AccessLogEntry)
export class AccessLogEntryResolver {
  @FieldResolver(() => String, { nullable: true })
  organisation(@Root() e: { organisationId: string }, @Ctx() ctx: Context) {
    return ctx.loaders.organisationName.load(e.organisationId);
  }
}
