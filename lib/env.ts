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
});

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
};

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
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= load();
  return cached;
}
