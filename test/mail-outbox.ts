// Reads the file outbox (SIGNET_DATA_DIR/outbox) the way an operator's console does, for tests.
import fs from "node:fs/promises";
import path from "node:path";
import { outboxDir } from "@/lib/server/mail/deliver-mail";

export type OutboxFile = { id: string; kind: string; from: string; to: string; subject: string; text: string; html: string; createdAt: string };

export async function outboxMessages(to?: string, kind?: string): Promise<OutboxFile[]> {
  const names = await fs.readdir(outboxDir()).catch(() => [] as string[]);
  const all = await Promise.all(names.filter((n) => n.endsWith(".json")).sort().reverse().map(async (n) => JSON.parse(await fs.readFile(path.join(outboxDir(), n), "utf8")) as OutboxFile));
  return all.filter((m) => (!to || m.to === to.toLowerCase()) && (!kind || m.kind === kind));
}
