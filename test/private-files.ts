// Shared check: every entry under a directory is private to its owner (dirs 0700, files 0600).
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";

export function expectPrivate(dir: string): void {
  const loose: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    const mode = st.mode & 0o777;
    if (mode !== (st.isDirectory() ? 0o700 : 0o600)) loose.push(`${mode.toString(8)} ${path.relative(dir, p) || "."}`);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  walk(dir);
  expect(loose, "entries with other modes than 0700 (dirs) / 0600 (files)").toEqual([]);
}
