// A real SMTP server for tests (npm smtp-server), listening on 127.0.0.1:0 with AUTH PLAIN/LOGIN:
// Signet's mail goes over a TCP socket and is parsed back with mailparser, as a mailbox would.
import fs from "node:fs";
import path from "node:path";
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

/** The console's pages as path patterns (route groups dropped, [segment] as one path segment). */
function consolePages(): RegExp[] {
  const root = path.join(process.cwd(), "app");
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.name === "page.tsx" ? [dir] : []));
  return walk(root).map((dir) => {
    const segments = path.relative(root, dir).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
    return new RegExp(`^/${segments.map((s) => (/^\[.+\]$/.test(s) ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/")}$`);
  });
}

/**
 * What every message Signet sends must be: a plain-text part and an HTML part, both carrying the
 * same console link, and that link naming a page the console has. Answers the link's path.
 */
export function expectTextHtmlAndPageLink(mail: ReceivedMail, base: string): string {
  const where = `${mail.to}: ${mail.subject}`;
  if (!mail.text.trim() || !mail.html.trim()) throw new Error(`${where}: a part is missing`);
  const links = [...mail.text.matchAll(new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(/[^\\s"<>]*)`, "g"))].map((m) => m[1]);
  if (links.length === 0) throw new Error(`${where}: no console link in the text part`);
  const link = links.at(-1)!;
  if (!mail.html.includes(`href="${base}${link}"`)) throw new Error(`${where}: the HTML part does not link ${link}`);
  const pathOnly = link.split(/[?#]/)[0];
  if (!consolePages().some((p) => p.test(pathOnly))) throw new Error(`${where}: ${link} is no console page`);
  return link;
}
