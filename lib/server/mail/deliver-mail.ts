// Sends due mail: through SMTP (SIGNET_SMTP_URL) with nodemailer, or, with no SMTP configured, as
// a file in <data dir>/outbox that operators read in the console, so the one-command start still
// shows every message. Retries follow the webhook outbox's schedule; a failed attempt is audited.
import fs from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { db } from "../../db";
import { env } from "../../env";
import { appendAuditEvent } from "../audit/append-audit-event";
import { systemPrincipal } from "../auth/principal";
import { afterAttempt, BATCH, CLAIM_MS, createOutboxRunner } from "../outbox/outbox-runner";

type Claimed = { id: string; kind: string; to: string; subject: string; text: string; html: string; orgId: string | null; attempts: number; createdAt: Date };

async function claimDue(now: Date): Promise<Claimed[]> {
  const client = await db();
  return client.$queryRawUnsafe<Claimed[]>(
    `UPDATE mail_message SET "lockedUntil" = $2
      WHERE id IN (
        SELECT id FROM mail_message
         WHERE status = 'pending' AND "nextAttemptAt" <= $1 AND ("lockedUntil" IS NULL OR "lockedUntil" < $1)
         ORDER BY "nextAttemptAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, "to", subject, text, html, "orgId", attempts, "createdAt"`,
    now,
    new Date(now.getTime() + CLAIM_MS),
  );
}

let transport: { url: string; transporter: Transporter } | undefined;

function smtpTransport(url: string): Transporter {
  if (transport?.url !== url) {
    transport?.transporter.close();
    // Short timeouts: a hung server delays only the next retry, never a workflow (sending is after commit).
    transport = { url, transporter: nodemailer.createTransport(url + (url.includes("?") ? "&" : "?") + "connectionTimeout=10000&greetingTimeout=10000&socketTimeout=20000") };
  }
  return transport.transporter;
}

export function outboxDir(): string {
  return path.join(env().dataDir, "outbox");
}

/** One JSON file per message; the name sorts by creation time. Readable by the server's user only. */
async function writeToOutbox(m: Claimed, from: string): Promise<void> {
  const dir = outboxDir();
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  const name = `${m.createdAt.toISOString().replace(/[:.]/g, "-")}-${m.id}.json`;
  const body = JSON.stringify({ id: m.id, kind: m.kind, from, to: m.to, subject: m.subject, text: m.text, html: m.html, createdAt: m.createdAt.toISOString() }, null, 2);
  const temp = path.join(dir, `.${m.id}.tmp`);
  await fs.writeFile(temp, body, { mode: 0o600 });
  await fs.rename(temp, path.join(dir, name));
}

async function send(m: Claimed): Promise<{ ok: boolean; error: string | null }> {
  const { smtpUrl, from } = env().mail;
  try {
    if (!smtpUrl) await writeToOutbox(m, from);
    else await smtpTransport(smtpUrl).sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: { "X-Signet-Message": m.id } });
    return { ok: true, error: null };
  } catch (err) {
    const code = (err as { code?: string; responseCode?: number }).code;
    const message = err instanceof Error ? err.message : "delivery failed";
    // The SMTP URL carries a password; nodemailer's messages do not include it, but be sure.
    return { ok: false, error: `${code ? code + ": " : ""}${smtpUrl ? message.split(smtpUrl).join("<SIGNET_SMTP_URL>") : message}`.slice(0, 300) };
  }
}

async function attempt(m: Claimed, now: Date): Promise<void> {
  const result = await send(m);
  const { failedForGood, ...next } = afterAttempt(m.attempts + 1, result.ok, now);
  const client = await db();
  await client.$transaction(async (tx) => {
    await tx.mailMessage.update({ where: { id: m.id }, data: { ...next, lastError: result.error } });
    if (!result.ok) {
      await appendAuditEvent(tx, {
        actor: systemPrincipal("mail"),
        action: "mail.delivery_failed",
        subjectType: "mail",
        subjectId: m.id,
        orgId: m.orgId,
        outcome: "failure",
        details: { kind: m.kind, to: m.to, attempts: next.attempts, final: failedForGood, error: result.error },
      });
    }
  });
}

const runner = createOutboxRunner("mail", { claimDue, attempt });

export const deliverDueMail = runner.deliverDue;
export const kickMailDelivery = runner.kick;
export const mailDeliverySettled = runner.settled;
