// "Forgot password": Signet's routes call better-auth's requestPasswordReset / resetPassword
// in-process (their HTTP routes stay closed, ./auth-routes.ts); better-auth stores the single-use
// token (1 hour) and calls sendResetPasswordMail, which queues the link in Signet's outbox.
import { isAPIError } from "better-auth/api";
import { z } from "zod";
import { db } from "../../db";
import { env } from "../../env";
import { appendAuditEvent } from "../audit/append-audit-event";
import { AppError } from "../errors";
import { composeMail, consoleLink } from "../mail/compose-mail";
import { kickMailDelivery } from "../mail/deliver-mail";
import { enqueueMail } from "../mail/enqueue-mail";
import { auth, MIN_PASSWORD_LENGTH, OPERATOR_ROLE } from "./auth";
import { ANONYMOUS, systemPrincipal, type Principal } from "./principal";
import { requireOperatorFor } from "./require-operator";

export const PASSWORD_RESET_SECONDS = 3600;
/** better-auth's token: generateId(24), letters and digits. */
const RESET_TOKEN = /^[A-Za-z0-9]{24}$/;

export const passwordResetRequestInput = z.object({ email: z.string().trim().toLowerCase().email().max(254) }).strict();
export const passwordResetInput = z.object({ password: z.string().min(MIN_PASSWORD_LENGTH, `The password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(256) }).strict();
export const resetTokenParam = z.string().regex(RESET_TOKEN, "The reset link is malformed");

const SAME_ANSWER = { status: "sent", message: "If an account has this address, a link to choose a new password is on its way" } as const;

export async function requestPasswordReset(raw: z.input<typeof passwordResetRequestInput>) {
  const { email } = passwordResetRequestInput.parse(raw);
  // Without a mail server, messages land in the outbox every operator reads in Settings: a reset
  // link there, asked for by anyone, would let any operator take over any account. An operator can
  // send one on purpose, audited (sendPasswordResetFor).
  if (!env().mail.smtpUrl) throw new AppError("conflict", "Password reset needs a mail server (SIGNET_SMTP_URL); ask a store operator to send you a reset link");
  const a = await auth();
  await a.api.requestPasswordReset({ body: { email } });
  kickMailDelivery();
  // The same answer whether or not the address has an account.
  return SAME_ANSWER;
}

/**
 * An operator sends an account a reset link (a person who lost their password and cannot receive
 * "forgot password" mail, say). With a mail server the link goes to the account's address, as the
 * self-service one does. Without one it lands in the outbox, which every operator reads: the operator
 * forwards it to the person. That is never allowed for an operator's account: a second operator's
 * password in the first one's hands would make an N-of-M approval one person's. Audited with who sent it.
 */
export async function sendPasswordResetFor(actor: Principal, userId: string) {
  const operator = requireOperatorFor(actor, "send password reset links");
  const client = await db();
  const user = await client.user.findUnique({ where: { id: userId.slice(0, 64) }, select: { id: true, email: true, role: true, banned: true } });
  if (!user) throw new AppError("not_found", "User not found");
  if (user.banned) throw new AppError("conflict", "The account is disabled: it gets no reset link");
  const smtp = Boolean(env().mail.smtpUrl);
  if (!smtp && user.role === OPERATOR_ROLE) throw new AppError("conflict", "An operator's reset link needs a mail server (SIGNET_SMTP_URL): without one it would land in the outbox every operator reads");
  if (user.id === operator.userId) throw new AppError("conflict", "Use \"Forgot password\" or change your own password instead");
  const a = await auth();
  await a.api.requestPasswordReset({ body: { email: user.email } });
  await client.$transaction(async (tx) => {
    await appendAuditEvent(tx, { actor, action: "user.password_reset_sent", subjectType: "user", subjectId: user.id, details: { email: user.email, via: smtp ? "smtp" : "outbox" } });
  });
  kickMailDelivery();
  return { sent: true as const, email: user.email, via: smtp ? ("smtp" as const) : ("outbox" as const), expiresInSeconds: PASSWORD_RESET_SECONDS };
}

/** better-auth's sendResetPassword hook. A disabled account gets no link. */
export async function sendResetPasswordMail({ user, token }: { user: { id: string; email: string }; token: string }): Promise<void> {
  const client = await db();
  const row = await client.user.findUnique({ where: { id: user.id }, select: { banned: true } });
  if (row?.banned) return;
  await client.$transaction(async (tx) => {
    await enqueueMail(
      tx,
      user.email,
      "password-reset",
      composeMail({
        subject: "Choose a new Signet password",
        paragraphs: [
          "Someone (we hope you) asked to reset the password of your Signet account.",
          `The link works once, for ${PASSWORD_RESET_SECONDS / 60} minutes. Your current sessions end when the new password is set.`,
          "If you did not ask for this, ignore this message: your password stays as it is.",
        ],
        link: { label: "Choose a new password", url: consoleLink(`/reset-password/${token}`) },
      }),
    );
    await appendAuditEvent(tx, { actor: ANONYMOUS, action: "user.password_reset_requested", subjectType: "user", subjectId: user.id, details: { email: user.email } });
  });
}

export async function resetPassword(rawToken: string, raw: z.input<typeof passwordResetInput>) {
  const token = resetTokenParam.parse(rawToken);
  const { password } = passwordResetInput.parse(raw);
  const client = await db();
  // Read before better-auth consumes it: a disabled account's old link (mailed before it was disabled) sets nothing.
  const pending = await client.verification.findFirst({ where: { identifier: `reset-password:${token}` }, select: { value: true, expiresAt: true } });
  if (!pending || pending.expiresAt.getTime() <= Date.now()) throw new AppError("not_found", "This reset link is unknown, used or expired: ask for a new one");
  const user = await client.user.findUnique({ where: { id: pending.value }, select: { id: true, email: true, banned: true } });
  if (!user || user.banned) throw new AppError("forbidden", "This account is disabled");
  const a = await auth();
  await a.api.resetPassword({ body: { token, newPassword: password } }).catch((err: unknown) => {
    // Two uses of one link at once: better-auth consumed it for the other.
    if (isAPIError(err)) throw new AppError("not_found", "This reset link is unknown, used or expired: ask for a new one");
    throw err;
  });
  await client.$transaction(async (tx) => {
    await appendAuditEvent(tx, { actor: systemPrincipal("password-reset"), action: "user.password_reset", subjectType: "user", subjectId: user.id, details: { email: user.email } });
  });
  return { reset: true, email: user.email };
}
