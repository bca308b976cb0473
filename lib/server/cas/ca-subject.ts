// The subject an organization CA will carry, as text, and the key that keeps CA subjects unique.
import { orgCaSubject } from "../../pki/certificate/issue";
import { buildName, nameToString } from "../../pki/certificate/names";
import { nameKey } from "../orgs/name-key";

export function orgCaSubjectText(orgName: string): string {
  return nameToString(buildName(orgCaSubject(orgName)));
}

/**
 * Two CAs with one subject are one issuer to a relying party that matches chains by name (RFC 5280
 * §4.1.2.4 chains by issuer name; OpenSSL looks issuers up by subject): certificates from one would
 * be filed under the other. Compared folded, as name constraints are (./../orgs/name-key.ts).
 */
export const caSubjectKey = (subject: string): string => nameKey(subject);
