import { ArgsType, Field, Int } from 'type-graphql';
import { IsOptional, Max, MaxLength, Min } from 'class-validator';
import { badInput } from '../errors/errors';
import type { Connection } from '../schema/pagination';

export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `At most ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 20;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  after?: string | null;
}

/** A sort key: the values a list is ordered by, ending in the row id so that it is unique. */
export type SortKey = (string | number)[];

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes an `after` cursor; anything that is not one of ours is BAD_USER_INPUT on `after`. */
export function decodeCursor(cursor: string, length: number): SortKey {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === length && key.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return key as SortKey;
    }
  } catch {
    // fall through
  }
  throw badInput('after', 'is not a valid cursor');
}

/** Builds a connection from rows fetched with `first + 1` (the extra row only says there is a next page). */
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => SortKey): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null } };
}

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/** Sort key by creation time then id: stable, and reveals nothing but an instant and a random id. */
export const byCreation = (row: { createdAt: Date; id: string }): SortKey => [row.createdAt.toISOString(), row.id];

/**
 * Paginates a short list that was loaded whole by a batched DataLoader (family, care team,
 * entitlements, plan items), oldest first.
 */
export function paginateInMemory<T extends { createdAt: Date; id: string }>(rows: T[], { first, after }: PageArgs): Connection<T> {
  const sorted = [...rows].sort((a, b) => compareKeys(byCreation(a), byCreation(b)));
  const start = after ? decodeCursor(after, 2) : null;
  const rest = start ? sorted.filter((r) => compareKeys(byCreation(r), start) > 0) : sorted;
  return toConnection(rest.slice(0, first + 1), first, byCreation);
}
