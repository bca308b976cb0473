// Helpers for tests that run real server processes: a free port to give one, and whether it still lives.
import net from "node:net";

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A free TCP port on 127.0.0.1 within [from, to] (inclusive), for a process that must stay in a
 * range, such as a PostgreSQL cluster; freePort() otherwise.
 */
export async function freePortIn(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const srv = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (free) {
      await new Promise((r) => srv.close(r));
      return port;
    }
  }
  throw new Error(`no free port in ${from}-${to}`);
}
