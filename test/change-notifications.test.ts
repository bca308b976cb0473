// Change notifications (lib/server/db/notify.ts): announced inside a transaction they arrive at its
// commit and never after a rollback; on the PostgreSQL server a listener whose connection is killed
// reconnects by itself, says so ("resync"), and hears later changes again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { db } from "@/lib/db";
import { announceIn, listenForChanges, onChange, stopListening, type Change } from "@/lib/server/db/notify";
import { resetDatabase } from "./helpers";

const onServer = Boolean(process.env.DATABASE_URL);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const heard: (Change | { kind: "resync" })[] = [];

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; heard ${JSON.stringify(heard)}`);
    await sleep(20);
  }
}

describe("change notifications", () => {
  beforeAll(async () => {
    await resetDatabase();
    onChange((c) => heard.push(c));
    await listenForChanges();
  });
  afterAll(async () => {
    await stopListening();
  });

  it("arrive when the announcing transaction commits, and never after a rollback", async () => {
    const client = await db();
    heard.length = 0;
    await client
      .$transaction(async (tx) => {
        await announceIn(tx, { kind: "ca", caId: "rolled-back" });
        throw new Error("roll back");
      })
      .catch(() => {});
    await client.$transaction(async (tx) => {
      await announceIn(tx, { kind: "revocation", caId: "ca-1", serialHex: "0a0b" });
      await sleep(200);
      // Not before the commit.
      expect(heard).toEqual([]);
    });
    await until("the committed change", () => heard.length > 0);
    expect(heard).toEqual([{ kind: "revocation", caId: "ca-1", serialHex: "0a0b" }]);
  });

  it("ignores payloads that are not Signet's changes", async () => {
    const client = await db();
    heard.length = 0;
    await client.$executeRawUnsafe(`SELECT pg_notify('signet_changes', 'not json')`);
    await client.$executeRawUnsafe(`SELECT pg_notify('signet_changes', '{"kind":"revocation","caId":7}')`);
    await announceIn(client, { kind: "responder", caId: "ca-2" });
    await until("the valid change", () => heard.length > 0);
    expect(heard).toEqual([{ kind: "responder", caId: "ca-2" }]);
  });

  it.runIf(onServer)("reconnects after its connection is killed, resynchronizes, and hears later changes", { timeout: 60_000 }, async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      heard.length = 0;
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = 'LISTEN signet_changes'`,
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(1);
      await until("the resync after reconnecting", () => heard.some((c) => c.kind === "resync"), 30_000);
      await announceIn(await db(), { kind: "ca-revocations", caId: "ca-3" });
      await until("a change after reconnecting", () => heard.some((c) => c.kind === "ca-revocations"));
    } finally {
      await admin.end();
    }
  });
});
