import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { Dossier } from '../schema/dossier.type';
import { RetentionSettingsInput, SetLegalHoldInput } from '../schema/retention.input';
import { DestructionRecordConnection, RetentionSettings } from '../schema/retention.type';
import { PageArgs } from '../services/pagination';
import { listDestructionRecords, retentionSettings, setLegalHold, setRetentionSettings } from '../services/retention.service';

/** Retention (SPEC §11): the privacy officer's settings, legal holds and destruction records. */
@Resolver()
export class RetentionResolver {
  @Query(() => RetentionSettings, { nullable: true, description: "The organisation's retention rule (privacy officer)." })
  retentionSettings(@Ctx() ctx: Context) {
    return retentionSettings(ctx);
  }

  @Query(() => DestructionRecordConnection, { description: 'Destroyed dossiers of the organisation, newest first: ids, rule and dates only.' })
  destructionRecords(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return listDestructionRecords(ctx, page);
  }

  @Mutation(() => RetentionSettings, { nullable: true, description: "Replaces the organisation's retention rule (privacy officer)." })
  setRetentionSettings(@Arg('input') input: RetentionSettingsInput, @Ctx() ctx: Context) {
    return setRetentionSettings(ctx, input);
  }

  @Mutation(() => Dossier, { nullable: true, description: 'Sets or lifts a legal hold, with the reason: a held dossier is never destroyed.' })
  setLegalHold(@Arg('input') input: SetLegalHoldInput, @Ctx() ctx: Context) {
    return setLegalHold(ctx, input);
  }
}
