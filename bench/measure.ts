// Runs a command under GNU time and reports its wall time and peak resident memory, so Signet and
// its peer (OpenSSL) are measured the same way, from outside.
import { spawnSync } from "node:child_process";

export type Measured = { seconds: number; peakRssMb: number; stdout: string };

export function measure(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Measured {
  const result = spawnSync("/usr/bin/time", ["-f", "__time %e %M", command, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const line = /__time ([\d.]+) (\d+)/.exec(result.stderr ?? "");
  if (result.status !== 0 || !line) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${(result.stderr ?? "").slice(-2000)}`);
  if (process.env.BENCH_TRACE) process.stderr.write(result.stderr);
  return { seconds: Number(line[1]), peakRssMb: Number(line[2]) / 1024, stdout: result.stdout };
}

export function table(header: string[], rows: (string | number)[][]): string {
  const fmt = (v: string | number) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(fmt).join(" | ")} |`)].join("\n");
}
