// The outage classifier against real errors: pg and Prisma (through Signet's own adapter) failing to
// reach a closed port, embedded PGlite's ordinary SQL errors (which must never count), and the shapes
// @prisma/adapter-pg reports for a server shutting down, as observed against a stopped cluster.
import net from "node:net";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { createServerAdapter } from "@/lib/db-adapter";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "../errors";
import { errorResponse } from "../http/problem";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "./unavailable";

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const caught = async (p: Promise<unknown>) => p.then(() => undefined, (err: unknown) => err);

describe("isDatabaseUnavailable", () => {
  it("is true for pg and Prisma failing to reach a server", async () => {
    const port = await closedPort();
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/x` });
    const pgErr = await caught(client.connect());
    expect(pgErr).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(pgErr)).toBe(true);

    const prisma = new PrismaClient({ adapter: (await createServerAdapter(`postgresql://postgres@127.0.0.1:${port}/x`)) as never });
    const raw = await caught(prisma.$queryRawUnsafe("SELECT 1"));
    expect(isDatabaseUnavailable(raw)).toBe(true);
    const model = await caught(prisma.user.findFirst());
    expect(isDatabaseUnavailable(model)).toBe(true);
    await prisma.$disconnect();
  });

  it("is false for embedded PGlite's errors, which are never an outage", async () => {
    const lite = new PGlite();
    expect(isDatabaseUnavailable(await caught(lite.query("SELECT * FROM no_such_table")))).toBe(false);
    expect(isDatabaseUnavailable(await caught(lite.query("SELEC 1")))).toBe(false);
    expect(isDatabaseUnavailable(await caught(lite.query("SELECT 1/0")))).toBe(false);
    await lite.close();
    expect(isDatabaseUnavailable(await caught(lite.query("SELECT 1")))).toBe(false);
  });

  it("reads the driver adapter's error inside Prisma's: a shutdown is an outage, a missing table or a wrong password is not", () => {
    const prismaError = (cause: Record<string, unknown>, code = "P2010") => Object.assign(new Error("Raw query failed"), { name: "PrismaClientKnownRequestError", code, meta: { driverAdapterError: { name: "DriverAdapterError", cause } } });
    expect(isDatabaseUnavailable(prismaError({ originalCode: "57P01", kind: "postgres", code: "57P01", severity: "FATAL" }))).toBe(true);
    expect(isDatabaseUnavailable(prismaError({ kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 }))).toBe(true);
    expect(isDatabaseUnavailable(prismaError({ kind: "ConnectionClosed" }))).toBe(true);
    expect(isDatabaseUnavailable(prismaError({ kind: "TooManyConnections" }))).toBe(true);
    expect(isDatabaseUnavailable(prismaError({ kind: "DatabaseNotReachable" }, "P1001"))).toBe(true);
    expect(isDatabaseUnavailable(prismaError({ originalCode: "42P01", kind: "TableDoesNotExist", table: "nope" }))).toBe(false);
    expect(isDatabaseUnavailable(prismaError({ kind: "AuthenticationFailed", user: "x" }))).toBe(false);
    expect(isDatabaseUnavailable(prismaError({ kind: "DatabaseDoesNotExist", db: "x" }))).toBe(false);
    expect(isDatabaseUnavailable(prismaError({ kind: "UniqueConstraintViolation" }, "P2002"))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Cannot use a pool after calling end on the pool"))).toBe(false);
    expect(isDatabaseUnavailable(new AppError("unavailable", "Mail is off"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable(new DatabaseUnavailableError())).toBe(true);
  });

  it("is answered 503 problem+json with Retry-After by the HTTP error layer", async () => {
    const res = errorResponse(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", syscall: "connect", errno: -111 }));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 503, code: "database_unavailable", title: "Service Unavailable" });
    expect(errorResponse(new Error("boom")).status).toBe(500);
  });
});
