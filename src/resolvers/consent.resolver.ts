import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import * as E from '../entities';
import { GiveConsentInput, RecordDisclosureInput } from '../schema/consent.input';
import { Consent, ConsentSignature, ConsentStatus, Disclosure } from '../schema/consent.type';
import { coSignConsent, consentStatus, giveConsent, recordDisclosure, withdrawConsent } from '../services/consent.service';

@Resolver(() => Consent)
export class ConsentResolver {
  @FieldResolver(() => ConsentStatus, { nullable: true })
  status(@Root() c: E.Consent, @Ctx() ctx: Context) {
    return consentStatus(c, ctx.access.today);
  }

  @FieldResolver(() => [ConsentSignature], { nullable: true })
  async signedBy(@Root() c: E.Consent, @Ctx() ctx: Context) {
    // Each signature carries its consent's dossier, so the field guard decides it in that dossier.
    return (await ctx.loaders.signaturesByConsent.load(c.id)).map((s) => ({ ...s, dossierId: c.dossierId }));
  }

  @Mutation(() => Consent, { nullable: true, description: 'Give (client) or record (staff) a consent; §7 decides who must sign.' })
  giveConsent(@Arg('input') input: GiveConsentInput, @Ctx() ctx: Context) {
    return giveConsent(ctx, input);
  }

  @Mutation(() => Consent, { nullable: true, description: 'Add your signature to a consent that awaits it (a child of 12–15, another custodian).' })
  coSignConsent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return coSignConsent(ctx, id);
  }

  @Mutation(() => Consent, { nullable: true, description: 'Withdraw a consent; it stops counting at once.' })
  withdrawConsent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return withdrawConsent(ctx, id);
  }

  @Mutation(() => Disclosure, { nullable: true, description: 'Record an exchange with a third party and its legal basis (§7).' })
  recordDisclosure(@Arg('input') input: RecordDisclosureInput, @Ctx() ctx: Context) {
    return recordDisclosure(ctx, input);
  }
}
