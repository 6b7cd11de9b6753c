import { EntityManager } from 'typeorm';
import { SupportPlan, SupportPlanEvaluation, SupportPlanGoal } from '../entities';
import { Dossier } from '../entities';
import { GoalStatus } from '../entities/enums';
import type { Context } from '../context';
import { notFound } from '../errors/errors';
import type { AddSupportPlanEvaluationInput, AddSupportPlanGoalInput, UpdateSupportPlanGoalInput } from '../schema/support-plan.input';
import { isUuid } from '../util/ids';
import { inTransaction, touchDossier } from './write';

/** The dossier's plan, created with its first goal or evaluation (one plan per dossier, unique index). */
async function planOf(em: EntityManager, dossier: Dossier): Promise<SupportPlan> {
  await em.query(
    `INSERT INTO support_plan (organisation_id, dossier_id) VALUES ($1, $2) ON CONFLICT (dossier_id) DO UPDATE SET updated_at = now()`,
    [dossier.organisationId, dossier.id],
  );
  return em.getRepository(SupportPlan).findOneByOrFail({ dossierId: dossier.id });
}

export async function addSupportPlanGoal(ctx: Context, input: AddSupportPlanGoalInput): Promise<SupportPlanGoal> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  return inTransaction(ctx, async (em) => {
    const plan = await planOf(em, dossier);
    const goal = await em.getRepository(SupportPlanGoal).save(
      em.getRepository(SupportPlanGoal).create({
        organisationId: dossier.organisationId, planId: plan.id, dossierId: dossier.id, text: input.text, status: input.status ?? GoalStatus.OPEN,
      }),
    );
    await touchDossier(em, dossier.id);
    return goal;
  });
}

export async function updateSupportPlanGoal(ctx: Context, input: UpdateSupportPlanGoalInput): Promise<SupportPlanGoal> {
  const goal = isUuid(input.id) && ctx.viewer.kind !== 'anonymous'
    ? await ctx.ds.getRepository(SupportPlanGoal).findOneBy({ id: input.id, organisationId: ctx.viewer.organisationId })
    : null;
  if (!goal) throw notFound('Goal');
  await ctx.access.writableDossier(goal.dossierId);
  return inTransaction(ctx, async (em) => {
    const { id, ...changes } = input;
    await em.getRepository(SupportPlanGoal).update({ id }, changes);
    await em.query('UPDATE support_plan SET updated_at = now() WHERE id = $1', [goal.planId]);
    await touchDossier(em, goal.dossierId);
    return em.getRepository(SupportPlanGoal).findOneByOrFail({ id });
  });
}

export async function addSupportPlanEvaluation(ctx: Context, input: AddSupportPlanEvaluationInput): Promise<SupportPlanEvaluation> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  return inTransaction(ctx, async (em) => {
    const plan = await planOf(em, dossier);
    const evaluation = await em.getRepository(SupportPlanEvaluation).save(
      em.getRepository(SupportPlanEvaluation).create({
        organisationId: dossier.organisationId, planId: plan.id, dossierId: dossier.id, evaluatedOn: input.evaluatedOn, text: input.text,
      }),
    );
    await touchDossier(em, dossier.id);
    return evaluation;
  });
}
