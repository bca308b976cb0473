// Shared helpers for integration tests: a clean database per file and route invocation.
import { db } from "@/lib/db";
import { resetRateLimits } from "@/lib/server/http/rate-limit";
import { resetDenialBudget } from "@/lib/server/audit/record-denial";

export async function resetDatabase(): Promise<void> {
  resetRateLimits();
  resetDenialBudget();
  const client = await db();
  const tables = await client.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  );
  if (tables.length > 0) {
    await client.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} CASCADE`);
  }
}

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export async function call(
  handler: RouteHandler,
  init: { method?: string; url?: string; token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string>; params?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body = init.body;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  const req = new Request(init.url ?? "http://localhost:3999/api/test", { method: init.method ?? (body ? "POST" : "GET"), headers, body });
  return handler(req, { params: Promise.resolve(init.params ?? {}) });
}
