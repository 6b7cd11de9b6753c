import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import * as E from '../entities';
import { CareTeamAssignmentConnection } from '../schema/care-team-assignment.type';
import { CreateDossierInput, UpdateDossierInput } from '../schema/dossier.input';
import { Dossier, DossierConnection } from '../schema/dossier.type';
import { EntitlementConnection } from '../schema/entitlement.type';
import { EntryConnection } from '../schema/entry.type';
import { FamilyMemberConnection } from '../schema/family-member.type';
import { Person } from '../schema/person.type';
import { ConsentConnection, DisclosureConnection } from '../schema/consent.type';
import { DossierAccess } from '../schema/dossier-access.type';
import { RightsRequestConnection } from '../schema/rights-request.type';
import { inDossier } from '../permissions/scoped';
import { AccessLogEntryConnection } from '../schema/access-log.type';
import { toEntry } from '../services/access-log.service';
import { SupportPlan } from '../schema/support-plan.type';
import { WorkNoteConnection } from '../schema/work-note.type';
import { createDossier, listDossiers, updateDossier } from '../services/dossier.service';
import { pageKey } from '../services/loaders';
import { PageArgs, paginateInMemory, toConnection } from '../services/pagination';

const entryKey = (e: E.Entry) => [e.occurredOn, e.createdAt.toISOString(), e.id];
const noteKey = (n: E.WorkNote) => [n.createdAt.toISOString(), n.id];

@Resolver(() => Dossier)
export class DossierResolver {
  @Query(() => Dossier, { nullable: true, description: 'A dossier the viewer has a relationship to; NOT_FOUND otherwise.' })
  dossier(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.access.dossier(id);
  }

  @Query(() => DossierConnection, { description: 'The dossiers the viewer has a relationship to, newest first.' })
  dossiers(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return listDossiers(ctx, page);
  }

  @FieldResolver(() => Person, { nullable: true })
  async subject(@Root() d: E.Dossier, @Ctx() ctx: Context) {
    return inDossier(await ctx.loaders.person.load(d.subjectId), d.id, true);
  }

  @FieldResolver(() => FamilyMemberConnection, { nullable: true })
  async family(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginateInMemory(await ctx.loaders.familyByDossier.load(d.id), page);
  }

  @FieldResolver(() => CareTeamAssignmentConnection, { nullable: true })
  async careTeam(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginateInMemory(await ctx.loaders.careTeamByDossier.load(d.id), page);
  }

  @FieldResolver(() => EntitlementConnection, { nullable: true })
  async entitlements(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginateInMemory(await ctx.loaders.entitlementsByDossier.load(d.id), page);
  }

  @FieldResolver(() => SupportPlan, { nullable: true })
  supportPlan(@Root() d: E.Dossier, @Ctx() ctx: Context) {
    return ctx.loaders.planByDossier.load(d.id);
  }

  @FieldResolver(() => EntryConnection, { nullable: true, description: 'Journal entries, newest first.' })
  async entries(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    const { rows, first } = await ctx.loaders.entriesByDossier.load(pageKey(d.id, page, ctx.access.hiddenGroup(d.id)));
    return toConnection(rows, first, entryKey);
  }

  @FieldResolver(() => WorkNoteConnection, { nullable: true, description: "The viewer's own work notes in this dossier, newest first." })
  async workNotes(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    // Only the author's own notes are listed; without a professional row there are none.
    const me = ctx.access.viewerFacts().professionalId;
    if (!me) return toConnection([], page.first, noteKey);
    const { rows, first } = await ctx.loaders.workNotesByDossier.load(pageKey(d.id, page, me));
    return toConnection(rows, first, noteKey);
  }

  @FieldResolver(() => ConsentConnection, { nullable: true })
  async consents(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginateInMemory(await ctx.loaders.consentsByDossier.load(d.id), page);
  }

  @FieldResolver(() => DisclosureConnection, { nullable: true, description: 'Every exchange of this dossier\'s data with a third party.' })
  async disclosures(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginateInMemory(await ctx.loaders.disclosuresByDossier.load(d.id), page);
  }

  @FieldResolver(() => RightsRequestConnection, { nullable: true, description: 'Clients see only the requests they filed.' })
  async rightsRequests(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    const all = await ctx.loaders.rightsRequestsByDossier.load(d.id);
    const person = ctx.access.viewerFacts().personId;
    // A client sees their own requests only — not even that others exist.
    return paginateInMemory(person ? all.filter((r) => r.requesterPersonIds.includes(person)) : all, page);
  }

  @FieldResolver(() => AccessLogEntryConnection, { nullable: true, description: 'Who accessed this dossier: when, in which role, which data, why (newest first).' })
  async accessLog(@Root() d: E.Dossier, @Args() page: PageArgs, @Ctx() ctx: Context) {
    const { rows, first } = await ctx.loaders.accessLogByDossier.load(pageKey(d.id, page));
    return toConnection(rows.map(toEntry), first, (e) => [e.occurredAt.toISOString(), e.id]);
  }

  @FieldResolver(() => DossierAccess, { description: "The viewer's relationship and readable/writable categories here." })
  myAccess(@Root() d: E.Dossier, @Ctx() ctx: Context): DossierAccess {
    const access = ctx.access.access(d.id);
    return { ...access, emergency: access.relationships.includes('emergency') };
  }

  @Mutation(() => Dossier, { nullable: true, description: 'Intake: opens a dossier for a new subject; the creator is assigned to it.' })
  createDossier(@Arg('input') input: CreateDossierInput, @Ctx() ctx: Context) {
    return createDossier(ctx, input);
  }

  @Mutation(() => Dossier, { nullable: true })
  updateDossier(@Arg('input') input: UpdateDossierInput, @Ctx() ctx: Context) {
    return updateDossier(ctx, input);
  }
}
