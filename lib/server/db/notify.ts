// Cross-instance freshness through PostgreSQL LISTEN/NOTIFY. A change that another instance holds
// in memory (a revocation in its OCSP cache, a new CA in its issuer index, a new responder) is
// announced on one channel inside the transaction that makes it, so PostgreSQL delivers it to
// every listening worker of every instance exactly when it commits, and never when it rolls back.
// Each worker keeps one connection of its own for LISTEN and reconnects when it is lost; after a
// reconnect it resynchronizes (what it may have missed is re-read), and the periodic polls remain
// as the backstop. The embedded PGlite delivers the same notifications inside its one process.
import { z } from "zod";
import type { Db, Tx } from "../../db";
import { driver } from "./driver";

export const CHANGES_CHANNEL = "signet_changes";

const changeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("revocation"), caId: z.string().max(64), serialHex: z.string().max(64) }),
  /** Many revocations of one CA at once (an uploaded CRL): drop everything cached for it. */
  z.object({ kind: z.literal("ca-revocations"), caId: z.string().max(64) }),
  /** A CA was created, got its certificate, or changed status. */
  z.object({ kind: z.literal("ca"), caId: z.string().max(64) }),
  z.object({ kind: z.literal("responder"), caId: z.string().max(64) }),
]);
export type Change = z.infer<typeof changeSchema>;
/** "resync": the listening connection was (re)established, and changes may have been missed meanwhile. */
export type ChangeHandler = (change: Change | { kind: "resync" }) => void;

type State = { handlers: Set<ChangeHandler>; started?: boolean; stop?: () => Promise<void> };
const state: State = ((globalThis as { __signetChanges?: State }).__signetChanges ??= { handlers: new Set() });

/** Announces `change` when `tx` commits (NOTIFY is transactional). */
export async function announceIn(tx: Tx | Db, change: Change): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_notify($1, $2)`, CHANGES_CHANNEL, JSON.stringify(change));
}

export function onChange(handler: ChangeHandler): void {
  state.handlers.add(handler);
}

function deliver(change: Change | { kind: "resync" }): void {
  for (const handler of state.handlers) {
    try {
      handler(change);
    } catch (err) {
      console.error("[signet] handling a change notification failed:", err instanceof Error ? err.message : err);
    }
  }
}

function receive(payload: string | undefined): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload ?? "");
  } catch {
    return;
  }
  const change = changeSchema.safeParse(parsed);
  if (change.success) deliver(change.data);
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/** Starts this process's listener (once). Resolves when the first LISTEN is in place. */
export async function listenForChanges(): Promise<void> {
  if (state.started) return;
  state.started = true;
  const d = await driver();
  if (d.kind === "pglite") {
    const unlisten = await d.client.listen(CHANGES_CHANNEL, receive);
    state.stop = async () => unlisten();
    return;
  }
  const { default: pg } = await import("pg");
  let stopped = false;
  let current: InstanceType<typeof pg.Client> | undefined;
  let delay = RECONNECT_MIN_MS;
  let timer: NodeJS.Timeout | undefined;
  let first = true;
  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: d.url });
    current = client;
    let lost = false;
    const onLost = (why: string) => {
      if (lost || stopped) return;
      lost = true;
      client.removeAllListeners("notification");
      client.end().catch(() => {});
      console.error(`[signet] change notifications: connection lost (${why}); reconnecting`);
      timer = setTimeout(() => void connect().catch(() => {}), delay);
      timer.unref();
      delay = Math.min(RECONNECT_MAX_MS, delay * 2);
    };
    client.on("error", (err) => onLost(err.message));
    client.on("end", () => onLost("closed"));
    client.on("notification", (n) => {
      if (n.channel === CHANGES_CHANNEL) receive(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (err) {
      onLost(err instanceof Error ? err.message : String(err));
      throw err;
    }
    delay = RECONNECT_MIN_MS;
    if (!first) {
      console.log("[signet] change notifications: listening again");
      deliver({ kind: "resync" });
    }
    first = false;
  };
  state.stop = async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await current?.end().catch(() => {});
  };
  // The first attempt's failure is the caller's (the database is unreachable at start); later ones retry.
  await connect().catch((err) => {
    first = false;
    console.error("[signet] change notifications: cannot listen yet:", err instanceof Error ? err.message : err);
  });
}

export async function stopListening(): Promise<void> {
  await state.stop?.();
  state.stop = undefined;
  state.started = false;
}
