// The file outbox, for operators: what Signet would have mailed had SMTP been configured
// (verification links, invitations…), newest first.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Principal } from "../auth/principal";
import { requireOperatorFor } from "../auth/require-operator";
import { outboxDir } from "./deliver-mail";

const outboxFile = z.object({ id: z.string(), kind: z.string(), from: z.string(), to: z.string(), subject: z.string(), text: z.string(), html: z.string(), createdAt: z.string() });
export type OutboxMessage = z.infer<typeof outboxFile>;

export async function readOutbox(actor: Principal, query: { to?: string; limit?: number } = {}): Promise<OutboxMessage[]> {
  requireOperatorFor(actor, "read the mail outbox");
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
  const names = await fs.readdir(outboxDir()).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [] as string[];
    throw err;
  });
  const messages: OutboxMessage[] = [];
  for (const name of names.filter((n) => n.endsWith(".json")).sort().reverse()) {
    const parsed = outboxFile.safeParse(JSON.parse(await fs.readFile(path.join(outboxDir(), name), "utf8")));
    if (!parsed.success) continue;
    if (query.to && parsed.data.to !== query.to.toLowerCase()) continue;
    messages.push(parsed.data);
    if (messages.length >= limit) break;
  }
  return messages;
}
