import { db } from "../../db";

export async function checkHealth(): Promise<{ status: "ok" | "degraded"; database: "ok" | "unavailable" }> {
  try {
    const client = await db();
    await client.$queryRawUnsafe("SELECT 1");
    return { status: "ok", database: "ok" };
  } catch (err) {
    console.error("[signet] health check: database unavailable", err instanceof Error ? err.message : err);
    return { status: "degraded", database: "unavailable" };
  }
}
