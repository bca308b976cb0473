// Small helpers for the CLI's input and output.
import readline from "node:readline";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export async function readFirstLineFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError("--admin-password-stdin expects the password on standard input (e.g. printf 'secret\\n' | signet init …)", 2);
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new CliError("No password on standard input", 2);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n");
}
