import { AssignmentRole, DossierStatus, StaffRole } from '../entities/enums';
import { CareTeamAssignment, Dossier, Person } from '../entities';
import type { Context } from '../context';
import { badInput, forbidden } from '../errors/errors';
import { preparedQuery } from '../db/prepared';
import { hydrate } from './hydrate';
import { distinctDossierRows } from '../permissions/access.service';
import type { Grant } from '../permissions/decide';
import { inputWrites } from '../permissions/operations';
import type { Connection } from '../schema/pagination';
import type { CreateDossierInput, UpdateDossierInput } from '../schema/dossier.input';
import { updateVersioned } from './optimistic';
import { decodeCursor, PageArgs, SortKey, toConnection } from './pagination';
import { inTransaction } from './write';

const dossierKey = (d: Dossier): SortKey => [d.createdAt.toISOString(), d.id];

/** Staff roles that may open a dossier at intake (SPEC §5), and the assignment the creator gets. */
const CREATOR_ASSIGNMENT: Partial<Record<StaffRole, AssignmentRole>> = {
  [StaffRole.CARE_WORKER]: AssignmentRole.CARE_WORKER,
  [StaffRole.ADMIN_SUPPORT]: AssignmentRole.ADMIN_SUPPORT,
};

/** The `Type.field` paths an input writes (for the access log). */
function writtenPaths(typeName: string, input: object): string[] {
  return inputWrites(input as Record<string, unknown>, typeName)?.paths ?? [];
}

/** Newest first, keyset-paginated, only dossiers the viewer may see. */
export async function listDossiers(ctx: Context, page: PageArgs): Promise<Connection<Dossier>> {
  const visible = ctx.access.visibleDossiers();
  const params = [...visible.params];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const org = p((ctx.viewer as { organisationId: string }).organisationId);
  let where = `d.organisation_id = ${org}`;
  if (page.after) {
    const [createdAt, id] = decodeCursor(page.after, 2);
    where += ` AND (d.created_at, d.id) < (${p(createdAt)}, ${p(id)})`;
  }
  // One statement for the page and its relationships; prepared, because the visibility
  // subquery costs more to plan than to run.
  const raw = await preparedQuery<Record<string, unknown>>(
    ctx.ds,
    `${visible.list(
      (visible) => `SELECT d.* FROM dossier d WHERE ${where} AND ${visible} ORDER BY d.created_at DESC, d.id DESC LIMIT ${p(page.first + 1)}`,
      org,
    )} ORDER BY page.created_at DESC, page.id DESC`,
    params,
  );
  const rows = hydrate(ctx.ds.manager, Dossier, distinctDossierRows(raw));
  for (const d of rows) ctx.loaders.dossier.prime(d.id, d);
  // The relationship rows of the look-ahead row (page.first + 1) are not admitted: it is not shown.
  await ctx.access.admit(rows.slice(0, page.first), raw);
  return toConnection(rows, page.first, dossierKey);
}

export async function createDossier(ctx: Context, input: CreateDossierInput): Promise<Dossier> {
  const staff = ctx.access.requireStaff();
  const assignmentRole = CREATOR_ASSIGNMENT[staff.role];
  if (!assignmentRole) throw forbidden('Only care workers and admin support open dossiers');
  const me = await ctx.access.professional();
  return inTransaction(ctx, async (em) => {
    const subject = await em.getRepository(Person).save(em.getRepository(Person).create({ ...input.subject, organisationId: staff.organisationId }));
    const dossier = await em.getRepository(Dossier).save(
      em.getRepository(Dossier).create({
        organisationId: staff.organisationId,
        subjectId: subject.id,
        type: input.type,
        openedOn: input.openedOn,
        status: DossierStatus.OPEN,
      }),
    );
    ctx.access.recordWrite(dossier.id, subject.id, 'CREATE', [...writtenPaths('Person', input.subject), ...writtenPaths('Dossier', { type: input.type, openedOn: input.openedOn })], [
      { relationship: staff.role as Grant['relationship'], basisId: null, categories: null, expiresAt: null },
    ]);
    // The creator is assigned, so the dossier is never left without anyone responsible for it.
    await em.getRepository(CareTeamAssignment).insert({
      organisationId: staff.organisationId,
      dossierId: dossier.id,
      professionalId: me.id,
      role: assignmentRole,
      validFrom: new Date(),
      validUntil: null,
    });
    return dossier;
  }).then((d) => ctx.access.admitCreated(d));
}

export async function updateDossier(ctx: Context, input: UpdateDossierInput): Promise<Dossier> {
  const dossier = await ctx.access.writableDossier(input.id);
  const { id, version, ...changes } = input;
  const closedOn = changes.closedOn === undefined ? dossier.closedOn : changes.closedOn;
  if (closedOn && closedOn < dossier.openedOn) throw badInput('input.closedOn', 'must not be before the dossier was opened');
  return inTransaction(ctx, (em) => updateVersioned(em, Dossier, { id, organisationId: dossier.organisationId, version }, changes, 'Dossier'));
}
