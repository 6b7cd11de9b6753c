import { Check, Column, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { Dossier } from './dossier.entity';
import { GoalStatus } from './enums';

/** One support plan per dossier; goals and evaluations hang off it. */
@Entity('support_plan')
@Index(['dossierId'], { unique: true })
export class SupportPlan extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@Entity('support_plan_goal')
@Index(['planId', 'createdAt'])
@Check(enumCheck('status', GoalStatus))
export class SupportPlanGoal extends OrgScoped {
  @Column('uuid')
  planId: string;

  @ManyToOne(() => SupportPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: SupportPlan;

  /** Denormalised so that every access check can be made on the dossier without a join. */
  @Column('uuid')
  dossierId: string;

  @Column({ type: 'varchar', length: 2000 })
  text: string;

  @Column({ type: 'varchar', length: 20, default: GoalStatus.OPEN })
  status: GoalStatus;
}

@Entity('support_plan_evaluation')
@Index(['planId', 'evaluatedOn'])
export class SupportPlanEvaluation extends OrgScoped {
  @Column('uuid')
  planId: string;

  @ManyToOne(() => SupportPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: SupportPlan;

  @Column('uuid')
  dossierId: string;

  @Column({ type: 'date' })
  evaluatedOn: string;

  @Column({ type: 'varchar', length: 10000 })
  text: string;
}
