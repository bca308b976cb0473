// Distinguished names as Signet writes and shows them: X.500 order, UTF8String values, and a
// readable "O=Acme, CN=com.acme.x" form (RFC 4514 escaping of special characters).
import { AsnConvert } from "@peculiar/asn1-schema";
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from "@peculiar/asn1-x509";

const ATTRIBUTE_OIDS: Record<string, string> = { CN: "2.5.4.3", O: "2.5.4.10", OU: "2.5.4.11", C: "2.5.4.6", L: "2.5.4.7", ST: "2.5.4.8", E: "1.2.840.113549.1.9.1" };
const ATTRIBUTE_NAMES = Object.fromEntries(Object.entries(ATTRIBUTE_OIDS).map(([k, v]) => [v, k]));

export type NamePart = { type: "CN" | "O" | "OU"; value: string };

export function buildName(parts: NamePart[]): Name {
  return new Name(
    parts.map(
      (p) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({ type: ATTRIBUTE_OIDS[p.type], value: new AttributeValue({ utf8String: p.value }) }),
        ]),
    ),
  );
}

export function nameDer(parts: NamePart[]): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(buildName(parts)));
}

function escapeValue(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, "\\$1").replace(/^([ #])/, "\\$1").replace(/ $/, "\\ ");
}

function attributeText(value: AttributeValue): string {
  return value.utf8String ?? value.printableString ?? value.teletexString ?? value.universalString ?? value.bmpString ?? (value.anyValue ? `#${Buffer.from(value.anyValue).toString("hex")}` : "");
}

export function nameToString(name: Name): string {
  return name
    .map((rdn) => rdn.map((atv) => `${ATTRIBUTE_NAMES[atv.type] ?? atv.type}=${escapeValue(attributeText(atv.value))}`).join("+"))
    .join(", ");
}

/** The value of the first attribute of `type` in a Name, if any. */
export function nameAttribute(name: Name, type: "CN" | "O"): string | undefined {
  for (const rdn of name) for (const atv of rdn) if (atv.type === ATTRIBUTE_OIDS[type]) return attributeText(atv.value);
  return undefined;
}

/** Every attribute of a Name, in order, as `nameToString` writes each (type name, unescaped value). */
export function nameAttributes(name: Name): { type: string; value: string }[] {
  return name.flatMap((rdn) => rdn.map((atv) => ({ type: ATTRIBUTE_NAMES[atv.type] ?? atv.type, value: attributeText(atv.value) })));
}
