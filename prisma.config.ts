// The Prisma CLI (generate, migrate) runs on the JavaScript schema engine through a driver adapter,
// so no native engine is ever downloaded. The adapter is the same one the app uses (lib/db-adapter).
import { defineConfig } from "prisma/config";
import { createMigrationAdapter } from "./lib/db-adapter";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: createMigrationAdapter,
});
