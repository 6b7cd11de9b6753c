import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { AccessLogEvent, AccessLogEventConnection, AccessLogFilter } from '../schema/access-log.type';
import { searchAccessLog } from '../services/access-log.service';
import { PageArgs } from '../services/pagination';

@Resolver(() => AccessLogEvent)
export class AccessLogResolver {
  @Query(() => AccessLogEventConnection, { description: "The privacy officer's search of the access log, newest first. Itself logged (LOG_READ)." })
  accessLogEvents(@Arg('filter', () => AccessLogFilter, { defaultValue: {} }) filter: AccessLogFilter, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return searchAccessLog(ctx, filter, page);
  }
}
