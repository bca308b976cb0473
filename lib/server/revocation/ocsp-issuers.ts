// Which CA a CertID names: every CA's (issuerNameHash, issuerKeyHash) precomputed for each CertID
// hash, held in memory. A miss re-reads the CA table at most every couple of seconds, so a CA
// created on another instance is found quickly while a flood of unknown issuers costs no queries.
import { db } from "../../db";
import { certificateInfo } from "../../pki/certificate/info";
import { CERT_ID_HASHES, issuerHashes, type CertIdHash } from "../../pki/ocsp/cert-id";

export type OcspIssuer = {
  caId: string;
  /** Null for an external-key org CA: Signet cannot sign for it. */
  keyId: string | null;
  caNotBefore: Date;
  caNotAfter: Date;
  /** The CA's certificate when it is not a root: sent along so a client holding only the root can build the responder's chain. */
  intermediateDer: Uint8Array | undefined;
};

const REBUILD_AFTER_MISS_MS = 2_000;

// On globalThis: Next bundles the OCSP handler and the routes apart, and a change notification
// (lib/server/db/notify.ts) must reach the one index every bundle reads.
type IndexState = { index?: Map<string, OcspIssuer>; builtAt: number; building?: Promise<Map<string, OcspIssuer>>; generation: number };
const st: IndexState = ((globalThis as { __signetOcspIssuers?: IndexState }).__signetOcspIssuers ??= { builtAt: 0, generation: 0 });

/** A CA was created or changed (here or on another instance): the next lookup re-reads them all. */
export function forgetOcspIssuers(): void {
  st.index = undefined;
  st.generation += 1;
}

const indexKey = (hash: CertIdHash, nameHash: Uint8Array, keyHash: Uint8Array) => `${hash}:${Buffer.from(nameHash).toString("hex")}:${Buffer.from(keyHash).toString("hex")}`;

async function build(): Promise<Map<string, OcspIssuer>> {
  const client = await db();
  const cas = await client.certificateAuthority.findMany({
    // Oldest first, so that if two CA rows ever share a Name and key the newest one wins.
    orderBy: { createdAt: "asc" },
    select: { id: true, kind: true, keyId: true, subjectDer: true, certificate: { select: { der: true } } },
  });
  const next = new Map<string, OcspIssuer>();
  for (const ca of cas) {
    if (!ca.certificate?.der || ca.subjectDer.length === 0) continue;
    const info = certificateInfo(ca.certificate.der);
    const intermediateDer = ca.kind === "root" ? undefined : ca.certificate.der;
    const issuer: OcspIssuer = { caId: ca.id, keyId: ca.keyId, caNotBefore: info.notBefore, caNotAfter: info.notAfter, intermediateDer };
    for (const hash of CERT_ID_HASHES) {
      const { issuerNameHash, issuerKeyHash } = issuerHashes(ca.subjectDer, info.spkiDer, hash);
      next.set(indexKey(hash, issuerNameHash, issuerKeyHash), issuer);
    }
  }
  return next;
}

function rebuild(): Promise<Map<string, OcspIssuer>> {
  const generation = st.generation;
  st.building ??= build()
    .then((next) => {
      // A change announced while this build read the table: keep the answer, not the index.
      if (generation === st.generation) {
        st.index = next;
        st.builtAt = Date.now();
      }
      return next;
    })
    .finally(() => {
      st.building = undefined;
    });
  return st.building;
}

export async function findOcspIssuer(hash: CertIdHash, issuerNameHash: Uint8Array, issuerKeyHash: Uint8Array): Promise<OcspIssuer | undefined> {
  const key = indexKey(hash, issuerNameHash, issuerKeyHash);
  const current = st.index ?? (await rebuild());
  const hit = current.get(key);
  if (hit || Date.now() - st.builtAt < REBUILD_AFTER_MISS_MS) return hit;
  return (await rebuild()).get(key);
}
