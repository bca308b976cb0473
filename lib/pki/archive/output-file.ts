// The signed copy every archive signer writes: opened exclusively (never overwrites), and removed again
// when signing fails — but only if this call created it.
import fs from "node:fs";

export function createOutput(path: string): fs.WriteStream {
  return fs.createWriteStream(path, { flags: "wx", mode: 0o600 });
}

/**
 * Tears down a failed output: waits for the descriptor to close (a removal racing the exclusive open
 * would leave the file behind), then removes the file, unless the open itself failed because the path
 * already existed — that file is someone else's.
 */
export async function discardOutput(out: fs.WriteStream | undefined, path: string, err: unknown): Promise<void> {
  if (!out) return;
  const closed = out.closed ? Promise.resolve() : new Promise<void>((resolve) => out.once("close", () => resolve()));
  out.destroy();
  await closed;
  if ((err as NodeJS.ErrnoException | undefined)?.code !== "EEXIST") await fs.promises.rm(path, { force: true });
}
