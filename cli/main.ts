import { ZodError } from "zod";
import { auditCommand, usage as auditUsage } from "./commands/audit";
import { csrCommand, usage as csrUsage } from "./commands/csr";
import { initCommand, usage as initUsage } from "./commands/init";
import { issueCommand, usage as issueUsage } from "./commands/issue";
import { signCommand, usage as signUsage } from "./commands/sign";
import { tokenCommand, usage as tokenUsage } from "./commands/token";
import { verifyCommand, usage as verifyUsage } from "./commands/verify";
import { CliError } from "./io";

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  init: { run: initCommand, usage: initUsage },
  token: { run: tokenCommand, usage: tokenUsage },
  audit: { run: auditCommand, usage: auditUsage },
  verify: { run: (argv) => verifyCommand(argv), usage: verifyUsage },
  sign: { run: (argv) => signCommand(argv), usage: signUsage },
  csr: { run: csrCommand, usage: csrUsage },
  issue: { run: issueCommand, usage: issueUsage },
};

function help(): string {
  return `Signet — the signing authority for plugin stores\n\nCommands:\n${Object.values(COMMANDS)
    .map((c) => `  ${c.usage}`)
    .join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`signet: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`signet ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ZodError) {
      process.stderr.write(`signet ${name}: ${err.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}\n`);
      return 2;
    }
    if (err instanceof TypeError && "code" in err && String((err as { code: unknown }).code).startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`signet ${name}: ${err.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`signet ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    const { closeDb } = await import("../lib/db");
    await closeDb().catch(() => {});
  }
}
