// Tokens that travel in a mailed link (address verification, invitations): 32 random bytes,
// base64url; only their SHA-256 is stored, so a database reader cannot follow a link.
import crypto from "node:crypto";

export function newLinkToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString("base64url");
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("base64url");
}

/** A token as it can appear in a link: anything else is refused before any lookup. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
