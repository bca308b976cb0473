// Keyset (cursor) pagination for the list routes. A page is ordered by one indexed column and the
// row id as tiebreak; the cursor is the last row's (value, id), opaque to callers (base64url JSON),
// and bound to the sort it was made for. It only says where to resume: the caller's scope and
// filters are applied again on every page, so a cursor copied from another listing reveals nothing.
import { z } from "zod";
import { badRequest } from "../errors";
import { json } from "./route";

export type SortOrder = "asc" | "desc";
export type KeysetColumn = { name: string; type: "date" | "text" };
export type Cursor = { sort: string; order: SortOrder; value: string; id: string };

const CURSOR_MAX = 600;
const cursorShape = z.object({ s: z.string().max(32), o: z.enum(["asc", "desc"]), v: z.string().max(400), i: z.string().min(1).max(64) }).strict();

/** The `cursor` and `limit` parameters of a list (limit defaults to `max`, as the unpaged lists answered before). */
export function pageParams(max: number, defaultLimit = max) {
  return {
    cursor: z.string().max(CURSOR_MAX).regex(/^[A-Za-z0-9_-]+$/, "a cursor is the opaque value a previous page gave out").optional(),
    limit: z.coerce.number().int().min(1).max(max).default(defaultLimit),
  };
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ s: c.sort, o: c.order, v: c.value, i: c.id })).toString("base64url");
}

/** The cursor's position, refused (400) when it is not one of ours or was made for another sort. */
export function decodeCursor(raw: string | undefined, sort: string, order: SortOrder): Cursor | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw badRequest("cursor: not a cursor this list gave out");
  }
  const c = cursorShape.safeParse(parsed);
  if (!c.success) throw badRequest("cursor: not a cursor this list gave out");
  if (c.data.s !== sort || c.data.o !== order) throw badRequest("cursor: it was made for another sort order; start again without it");
  return { sort: c.data.s, order: c.data.o, value: c.data.v, id: c.data.i };
}

function typed(column: KeysetColumn, value: string): Date | string {
  if (column.type === "text") return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest("cursor: not a cursor this list gave out");
  return date;
}

/**
 * The WHERE part that resumes after the cursor, and the ORDER BY. The redundant `column <= value`
 * (or >=) gives PostgreSQL an index bound, so a deep page starts at the cursor instead of filtering
 * every row before it.
 */
export function keyset(column: KeysetColumn, order: SortOrder, cursor: Cursor | undefined) {
  const orderBy = [{ [column.name]: order }, { id: order }];
  if (!cursor) return { where: {}, orderBy };
  const value = typed(column, cursor.value);
  const [strict, loose] = order === "desc" ? (["lt", "lte"] as const) : (["gt", "gte"] as const);
  const where = {
    AND: [{ [column.name]: { [loose]: value } }, { OR: [{ [column.name]: { [strict]: value } }, { [column.name]: value, id: { [strict]: cursor.id } }] }],
  };
  return { where, orderBy };
}

export type Page<T> = { items: T[]; next: string | null };

/** Rows were read with `take: limit + 1`: the extra one only says that a next page exists. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, sort: string, order: SortOrder, valueOf: (row: R) => Date | string, serialize: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  const value = last ? valueOf(last) : "";
  const next = more && last ? encodeCursor({ sort, order, value: value instanceof Date ? value.toISOString() : value, id: last.id }) : null;
  return { items: kept.map(serialize), next };
}

/**
 * The answer of a list route: the JSON array callers always got, and when more rows exist a
 * `Link: <…>; rel="next"` header and `X-Next-Cursor` (the same cursor, for scripts).
 */
export function pageResponse<T>(req: Request, page: Page<T>): Response {
  if (!page.next) return json(page.items);
  const url = new URL(req.url);
  url.searchParams.set("cursor", page.next);
  return json(page.items, { headers: { link: `<${url.pathname}${url.search}>; rel="next"`, "x-next-cursor": page.next } });
}
