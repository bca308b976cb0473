// Grafana's MANIFEST.txt (FORMATS.md §6): the v2 JSON that Grafana's plugin signature check reads
// (pkg/plugins/manager/signature), cleartext-signed with SHA-512. The caller decides which
// signatureType and org a key may claim — Grafana binds neither to the key, so this module only refuses
// what Signet must never claim ("grafana": Grafana Labs' own plugins) and what Grafana would reject.

export const GRAFANA_SIGNATURE_TYPES = ["private", "private-glob", "community", "commercial"] as const;
export type GrafanaSignatureType = (typeof GRAFANA_SIGNATURE_TYPES)[number];

export type GrafanaManifest = {
  manifestVersion: "2.0.0";
  signatureType: GrafanaSignatureType;
  signedByOrg: string;
  signedByOrgName: string;
  rootUrls?: string[];
  plugin: string;
  version: string;
  /** Milliseconds since the epoch. */
  time: number;
  /** 16 lowercase hex: the OpenPGP key ID of the signing key (what Grafana looks up in its key store). */
  keyId: string;
  files: Record<string, string>;
};

export class GrafanaManifestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "GrafanaManifestError";
  }
}

export type ManifestClaims = {
  signatureType: GrafanaSignatureType;
  signedByOrg: string;
  signedByOrgName: string;
  /** Required (non-empty) for private and private-glob; not written for the public types. */
  rootUrls?: string[];
};

export const isPrivateType = (t: string): boolean => t === "private" || t === "private-glob";

export function checkClaims(claims: ManifestClaims): void {
  const type = claims.signatureType as string;
  if (type === "grafana") throw new GrafanaManifestError("signatureType", "signatureType 'grafana' is Grafana Labs' own; Signet never claims it");
  if (!(GRAFANA_SIGNATURE_TYPES as readonly string[]).includes(type)) throw new GrafanaManifestError("signatureType", `signatureType must be one of ${GRAFANA_SIGNATURE_TYPES.join(", ")}`);
  for (const field of ["signedByOrg", "signedByOrgName"] as const) {
    const v = claims[field];
    if (typeof v !== "string" || v.trim().length === 0 || v.length > 200 || /[\u0000-\u001f\u007f]/.test(v)) throw new GrafanaManifestError(field, `${field} must be a non-empty single-line string`);
  }
  if (isPrivateType(type)) {
    if (!claims.rootUrls || claims.rootUrls.length === 0) throw new GrafanaManifestError("rootUrls", `A ${type} signature needs at least one root URL`);
    for (const url of claims.rootUrls) {
      // private-glob URLs may hold glob characters; the rest must be a plain absolute http(s) URL.
      const parsed = goUrl(url);
      if (!parsed || !/^https?$/i.test(parsed.scheme) || parsed.host === "") throw new GrafanaManifestError("rootUrls", `'${url}' is not an absolute http(s) URL`);
      if (type === "private" && /[*?[\]{}]/.test(url)) throw new GrafanaManifestError("rootUrls", `'${url}' holds glob characters; use signatureType private-glob`);
    }
  } else if (claims.rootUrls && claims.rootUrls.length > 0) {
    throw new GrafanaManifestError("rootUrls", `A ${type} signature is valid on every host; rootUrls are for private types`);
  }
}

/** The manifest object, fields in Grafana's order, files sorted by path. */
export function buildManifest(input: ManifestClaims & { pluginId: string; version: string; time: Date; keyId: string; files: Map<string, string> }): GrafanaManifest {
  checkClaims(input);
  if (!/^[0-9a-f]{16}$/.test(input.keyId)) throw new GrafanaManifestError("keyId", "keyId is 16 lowercase hex digits");
  if (input.files.size === 0) throw new GrafanaManifestError("files", "A manifest lists at least one file");
  const files: Record<string, string> = {};
  for (const path of [...input.files.keys()].sort()) files[path] = input.files.get(path)!;
  return {
    manifestVersion: "2.0.0",
    signatureType: input.signatureType,
    signedByOrg: input.signedByOrg,
    signedByOrgName: input.signedByOrgName,
    ...(isPrivateType(input.signatureType) ? { rootUrls: [...input.rootUrls!] } : {}),
    plugin: input.pluginId,
    version: input.version,
    time: input.time.getTime(),
    keyId: input.keyId,
    files,
  };
}

export function manifestJson(manifest: GrafanaManifest): string {
  return JSON.stringify(manifest, null, 2);
}

// ---- Root URL matching, as Grafana does it with Go's net/url, path.Clean and gobwas/glob ----

/** The parts of Go's url.Parse that the comparison uses; undefined when there is no scheme://authority. */
export function goUrl(raw: string): { scheme: string; host: string; requestUri: string } | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(raw);
  if (!m) return undefined;
  const authority = m[2];
  const host = authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority;
  // Go keeps scheme case-folded and the host exactly as written (port included).
  return { scheme: m[1].toLowerCase(), host, requestUri: (m[3] || "/") + (m[4] && m[4] !== "?" ? m[4] : "") };
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(seg);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined || ".";
}

/** gobwas/glob compiled with separators '/' and '.': `*` stops at them, `**` does not. */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (c === "*" && pattern[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/.]*";
    else if (c === "?") re += "[^/.]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) throw new GrafanaManifestError("rootUrls", `Unterminated '[' in '${pattern}'`);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, (x) => `\\${x}`)}]`;
      i = end;
    } else if (c === "{") {
      const end = pattern.indexOf("}", i + 1);
      if (end < 0) throw new GrafanaManifestError("rootUrls", `Unterminated '{' in '${pattern}'`);
      re += `(?:${pattern.slice(i + 1, end).split(",").map(escapeRe).join("|")})`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Whether Grafana at `appUrl` accepts a manifest with these rootUrls (else the plugin is *invalid*). */
export function rootUrlMatches(rootUrls: string[], appUrl: string, signatureType: string): boolean {
  const target = goUrl(appUrl);
  if (!target) return false;
  for (const spec of rootUrls) {
    const u = goUrl(spec);
    if (u && u.scheme === target.scheme && u.host === target.host && cleanPath(u.requestUri) === cleanPath(target.requestUri)) return true;
    if (signatureType !== "private-glob") continue;
    try {
      if (globToRegExp(spec).test(appUrl)) return true;
    } catch {
      continue;
    }
  }
  return false;
}
