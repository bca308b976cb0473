// Mounts App Router route handlers on a plain node:http server on 127.0.0.1:<random port>, so that
// stock clients (openssl, ocsptool, curl) can talk to them over real HTTP in integration tests.
// Params are decoded per segment, as Next.js does for dynamic and catch-all segments.
import http from "node:http";
import type { AddressInfo } from "node:net";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export type Mount = {
  /** A path pattern: `:name` matches one segment, `*name` the rest of the path (catch-all). */
  path: string;
  methods: Partial<Record<"GET" | "POST" | "HEAD", Handler>>;
};

export type TestServer = { url: string; close: () => Promise<void> };

const MAX_BODY = 1024 * 1024;

function match(pattern: string, pathname: string): Record<string, string | string[]> | undefined {
  const want = pattern.split("/").filter(Boolean);
  const got = pathname.split("/").filter((s, i, all) => s !== "" || (i > 0 && i < all.length - 1));
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w.startsWith("*")) {
      const rest = got.slice(i);
      if (rest.length === 0) return undefined;
      params[w.slice(1)] = rest.map(safeDecode);
      return params;
    }
    if (i >= got.length) return undefined;
    if (w.startsWith(":")) params[w.slice(1)] = safeDecode(got[i]);
    else if (w !== got[i]) return undefined;
  }
  return got.length === want.length ? params : undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > MAX_BODY) break;
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

export async function startHttpServer(mounts: Mount[]): Promise<TestServer> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
      const method = (req.method ?? "GET") as "GET" | "POST" | "HEAD";
      let found: { handler: Handler; params: Record<string, string | string[]> } | undefined;
      for (const mount of mounts) {
        const params = match(mount.path, url.pathname);
        const handler = mount.methods[method];
        if (params && handler) {
          found = { handler, params };
          break;
        }
      }
      if (!found) {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
      const request = new Request(url, { method, headers, body: body ? new Uint8Array(body) : undefined });
      const response = await found.handler(request, { params: Promise.resolve(found.params) });
      const out = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(out);
    } catch (err) {
      // The harness itself failing must look like what it is: a 500 the test will flag.
      res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
