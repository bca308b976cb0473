// Every message Signet sends: a short plain-text body and the same words as HTML, with one link to
// the page that acts on it. Everything interpolated is escaped for HTML (organization names and
// reasons are chosen by outsiders); the text part is kept to one line per field so a name cannot
// forge a second paragraph or a fake link line.
import { env } from "../../env";

export type MailKind = "contact-verification" | "invitation" | "request-decided" | "certificate-revoked" | "artifact-revoked" | "certificate-expiring" | "password-reset";

export type ComposedMail = { subject: string; text: string; html: string };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Line breaks and other controls inside a field become spaces: a field stays on its line. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
}

/** An absolute link into the console, from SIGNET_PUBLIC_URL. */
export function consoleLink(pathname: string): string {
  return `${env().publicUrl}${pathname}`;
}

export function composeMail(input: { subject: string; paragraphs: string[]; link: { label: string; url: string }; footer?: string }): ComposedMail {
  const subject = oneLine(input.subject).slice(0, 200);
  const paragraphs = input.paragraphs.map(oneLine);
  const footer = oneLine(input.footer ?? "You receive this because of your role in a Signet plugin store.");
  const text = [...paragraphs, "", `${oneLine(input.link.label)}: ${input.link.url}`, "", "-- ", footer, ""].join("\n");
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; line-height: 1.5">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(input.link.url)}">${escapeHtml(oneLine(input.link.label))}</a></p>`,
    `<p style="color: #666; font-size: 0.9em">${escapeHtml(footer)}</p>`,
    "</body></html>",
    "",
  ].join("\n");
  return { subject, text, html };
}
