import path from "node:path";
import { defineConfig } from "vitest/config";

// Two projects: pure units run in parallel; anything that opens the database runs in one worker,
// because the embedded database (PGlite) admits one process at a time.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["lib/pki/**/*.test.ts", "lib/client/**/*.test.ts", "lib/server/http/*.test.ts", "cli/**/*.unit.test.ts", "test/lint/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["lib/server/**/*.test.ts", "app/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["lib/server/http/*.test.ts", "test/lint/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          fileParallelism: false,
          maxWorkers: 1,
          isolate: false,
        },
      },
    ],
  },
});
