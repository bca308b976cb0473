// Configuration, read and validated once. Nothing else in Signet reads process.env.
import path from "node:path";
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  SIGNET_DATA_DIR: z.string().min(1).default("./.signet"),
  SIGNET_PUBLIC_URL: z.string().url().optional(),
  SIGNET_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "SIGNET_MASTER_KEY must be base64 of 32 bytes")
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  BETTER_AUTH_SECRET: z.string().min(32).optional(),
  SIGNET_APP_ROOT: z.string().min(1).optional(),
  SIGNET_PKCS11_MODULE: z.string().min(1).optional(),
  SIGNET_PKCS11_TOKEN_LABEL: z.string().min(1).max(32).optional(),
  SIGNET_PKCS11_PIN: z.string().min(1).optional(),
  SIGNET_PKCS11_PIN_FILE: z.string().min(1).optional(),
  SIGNET_AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /** An operator API token for CLI commands that talk to a server (`signet audit verify --url`). */
  SIGNET_TOKEN: z.string().min(1).max(512).optional(),
  SIGNET_SMTP_URL: z
    .string()
    .url()
    .refine((v) => /^smtps?:$/.test(new URL(v).protocol), "SIGNET_SMTP_URL must be smtp://user:pass@host:port or smtps://…")
    .optional(),
  SIGNET_MAIL_FROM: z.string().min(3).max(254).optional(),
  SIGNET_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  SIGNET_CRL_CATCH_UP_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  SIGNET_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
});

/** A PKCS#11 token holding the CA keys. The PIN is given inline or as a file read at login; it is never logged. */
export type Pkcs11Config = {
  modulePath: string;
  tokenLabel: string;
  pin: { value: string } | { file: string };
};

export type Env = {
  /** Where package.json and prisma/ live (the CLI may run from another directory). */
  appRoot: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  masterKeyBase64: string | undefined;
  port: number;
  nodeEnv: "development" | "production" | "test";
  authSecret: string | undefined;
  /** Set when CA keys live in a PKCS#11 token instead of the database. */
  pkcs11: Pkcs11Config | undefined;
  /** How often a server signs a checkpoint of the audit chain head when it has moved. */
  auditCheckpointMinutes: number;
  cliToken: string | undefined;
  /** Outgoing mail: SMTP when `smtpUrl` is set, else files in `<dataDir>/outbox`. */
  mail: { smtpUrl: string | undefined; from: string };
  /** Server worker processes asked for (SIGNET_WORKERS); lib/server/startup/worker-count.ts decides. */
  workers: number | undefined;
  /** How often every instance looks for revocations that no CRL lists yet (a crash between commit and publication). */
  crlCatchUpMs: number;
  /** Password sign-ins a minute per client address (better-auth's limiter). */
  signInPerMinute: number;
};

function pkcs11From(e: z.infer<typeof schema>, appRoot: string): Pkcs11Config | undefined {
  const given = [e.SIGNET_PKCS11_MODULE, e.SIGNET_PKCS11_TOKEN_LABEL, e.SIGNET_PKCS11_PIN, e.SIGNET_PKCS11_PIN_FILE];
  if (given.every((v) => v === undefined)) return undefined;
  // Half a configuration must not silently fall back to software keys for the CAs.
  const missing = [];
  if (!e.SIGNET_PKCS11_MODULE) missing.push("SIGNET_PKCS11_MODULE");
  if (!e.SIGNET_PKCS11_TOKEN_LABEL) missing.push("SIGNET_PKCS11_TOKEN_LABEL");
  if (!e.SIGNET_PKCS11_PIN === !e.SIGNET_PKCS11_PIN_FILE) missing.push("exactly one of SIGNET_PKCS11_PIN and SIGNET_PKCS11_PIN_FILE");
  if (missing.length > 0) throw new Error(`Invalid Signet configuration: the PKCS#11 backend needs ${missing.join(", ")}`);
  return {
    modulePath: path.resolve(appRoot, e.SIGNET_PKCS11_MODULE!),
    tokenLabel: e.SIGNET_PKCS11_TOKEN_LABEL!,
    pin: e.SIGNET_PKCS11_PIN ? { value: e.SIGNET_PKCS11_PIN } : { file: path.resolve(appRoot, e.SIGNET_PKCS11_PIN_FILE!) },
  };
}

function load(): Env {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid Signet configuration: ${problems}`);
  }
  const e = parsed.data;
  const appRoot = path.resolve(/*turbopackIgnore: true*/ e.SIGNET_APP_ROOT ?? process.cwd());
  return {
    appRoot,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(appRoot, e.SIGNET_DATA_DIR),
    publicUrl: (e.SIGNET_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    masterKeyBase64: e.SIGNET_MASTER_KEY,
    port: e.PORT,
    nodeEnv: e.NODE_ENV,
    authSecret: e.BETTER_AUTH_SECRET,
    pkcs11: pkcs11From(e, appRoot),
    auditCheckpointMinutes: e.SIGNET_AUDIT_CHECKPOINT_MINUTES,
    cliToken: e.SIGNET_TOKEN,
    mail: { smtpUrl: e.SIGNET_SMTP_URL, from: e.SIGNET_MAIL_FROM ?? `Signet <signet@${new URL(e.SIGNET_PUBLIC_URL ?? "http://localhost").hostname}>` },
    workers: e.SIGNET_WORKERS,
    crlCatchUpMs: e.SIGNET_CRL_CATCH_UP_MS,
    signInPerMinute: e.SIGNET_SIGN_IN_PER_MINUTE,
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= load();
  return cached;
}

/** Reads the configuration again (a test that starts its own SMTP server and points Signet at it). */
export function reloadEnv(): Env {
  cached = load();
  return cached;
}
