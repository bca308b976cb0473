// Grafana's [grafana_com] url is also its plugin catalog (FORMATS.md §6): every /grafana/api/… request
// except the keys endpoint is forwarded to the operator-configured upstream (grafana.com by default), so
// pointing a Grafana at Signet for keys keeps its catalog working. Read-only methods only; nothing that
// identifies the caller to Signet (cookies, Authorization) is forwarded, and nothing the upstream sets
// (Set-Cookie) comes back. The body streams through; a slow or failing upstream is a 502 problem.
import { db } from "../../db";
import { AppError } from "../errors";
import { readGrafanaSettings } from "./store-targets";

export const DEFAULT_GRAFANA_UPSTREAM = "https://grafana.com";
// Time to the upstream's response headers, then the longest pause allowed between body chunks
// (plugin zips stream through too, so there is no cap on the whole transfer).
const TIMEOUT_MS = 15_000;
const IDLE_MS = 30_000;
const FORWARDED_REQUEST_HEADERS = ["accept", "accept-language", "user-agent", "if-none-match", "if-modified-since", "range"];
// content-encoding and content-length are dropped: fetch hands over the decoded body.
const RETURNED_HEADERS = ["content-type", "cache-control", "etag", "last-modified", "expires", "vary", "location", "content-range", "accept-ranges"];

export async function grafanaUpstream(): Promise<string> {
  const row = await (await db()).storeTarget.findUnique({ where: { target: "grafana" }, select: { settings: true } });
  return (readGrafanaSettings(row?.settings).upstreamUrl ?? DEFAULT_GRAFANA_UPSTREAM).replace(/\/+$/, "");
}

export async function proxyGrafanaApi(req: Request, segments: string[], fetchImpl: typeof fetch = fetch): Promise<Response> {
  if (req.method !== "GET" && req.method !== "HEAD") throw new AppError("bad_request", "Only GET and HEAD are forwarded to the Grafana catalog");
  if (segments.some((s) => s === "." || s === ".." || s === "")) throw new AppError("not_found", "Not found");
  const upstream = await grafanaUpstream();
  const target = new URL(`${upstream}/api/${segments.map(encodeURIComponent).join("/")}`);
  target.search = new URL(req.url).search;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers.get(name);
    if (value) headers.set(name, value);
  }
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetchImpl(target, { method: req.method, headers, redirect: "manual", signal: abort.signal });
  } catch {
    clearTimeout(timer);
    const why = abort.signal.aborted ? `did not answer within ${TIMEOUT_MS / 1000} s` : "could not be reached";
    throw new AppError("bad_gateway", `The Grafana upstream ${new URL(upstream).host} ${why}`);
  }
  clearTimeout(timer);
  if (res.status >= 500) {
    await res.body?.cancel().catch(() => {});
    throw new AppError("bad_gateway", `The Grafana upstream ${new URL(upstream).host} answered ${res.status}`);
  }
  const out = new Headers();
  for (const name of RETURNED_HEADERS) {
    const value = res.headers.get(name);
    if (value) out.set(name, value);
  }
  if (req.method === "HEAD" || !res.body) {
    await res.body?.cancel().catch(() => {});
    return new Response(null, { status: res.status, headers: out });
  }
  const idle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), IDLE_MS);
  };
  idle();
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        idle();
        controller.enqueue(chunk);
      },
      flush() {
        clearTimeout(timer);
      },
    }),
  );
  return new Response(body, { status: res.status, headers: out });
}
