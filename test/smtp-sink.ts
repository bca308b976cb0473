// A real SMTP server for tests (npm smtp-server), listening on 127.0.0.1:0 with AUTH PLAIN/LOGIN:
// Signet's mail goes over a TCP socket and is parsed back with mailparser, as a mailbox would.
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { to: string; subject: string; text: string; html: string; from: string; raw: ParsedMail };

export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer;
  private waiters: (() => void)[] = [];
  port = 0;
  /** While set, every transaction is refused with a 451 (a server having trouble). */
  refusing = false;

  constructor(readonly user = "signet", readonly pass = "smtp-secret-1") {
    this.server = new SMTPServer({
      // Plain TCP on loopback; smtp-server would otherwise offer STARTTLS with a self-signed certificate.
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, cb) => (auth.username === this.user && auth.password === this.pass ? cb(null, { user: auth.username }) : cb(new Error("Invalid username or password"))),
      onData: (stream, _session, cb) => {
        if (this.refusing) {
          stream.resume();
          const err = new Error("Try again later") as Error & { responseCode: number };
          err.responseCode = 451;
          stream.on("end", () => cb(err));
          return;
        }
        simpleParser(stream)
          .then((mail) => {
            const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
            for (const address of to) {
              this.received.push({ to: address.address ?? "", subject: mail.subject ?? "", text: mail.text ?? "", html: typeof mail.html === "string" ? mail.html : "", from: mail.from?.text ?? "", raw: mail });
            }
            this.waiters.splice(0).forEach((w) => w());
            cb();
          })
          .catch(cb);
      },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://${this.user}:${this.pass}@127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The first message (oldest) to `to` matching `subject`, waiting for it to arrive. */
  async waitFor(to: string, subject: RegExp, timeoutMs = 15_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m) => m.to === to && subject.test(m.subject));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`No mail to ${to} matching ${subject} (got: ${this.received.map((m) => `${m.to}: ${m.subject}`).join("; ")})`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

/** The path of the console link in a message (the text part's last URL). */
export function linkIn(mail: { text: string }, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s]+(${pathPrefix}[A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`No ${pathPrefix} link in: ${mail.text}`);
  return match[1].slice(pathPrefix.length);
}
