// The layering rules of eslint.config.mjs, driven through ESLint's own API on code that crosses each boundary, so a
// rule that silently stops matching (a renamed folder, a new import form) fails here and not in review.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === "layers/boundaries").map((m) => m.message);
}

describe("layer boundaries (npm run lint)", () => {
  it.each([
    ["lib/pki/x/new.ts", 'import { db } from "@/lib/db";', /lib\/pki is pure/],
    ["lib/pki/x/new.ts", 'import { x } from "../../server/orgs/list-orgs";', /lib\/pki is pure/],
    ["lib/pki/x/new.ts", 'export * from "../../server/errors";', /lib\/pki is pure/],
    ["lib/pki/x/new.ts", 'const m = await import("@/lib/server/errors");', /lib\/pki is pure/],
    ["lib/pki/x/new.ts", 'import { NextResponse } from "next/server";', /lib\/pki is pure/],
    ["lib/pki/x/new.ts", 'import type { Prisma } from "@prisma/client";', /lib\/pki is pure/],
    ["app/api/v1/x/route.ts", 'import { issuePluginCertificate } from "@/lib/pki/certificate/issue";', /app\/ is thin/],
    ["app/api/v1/x/route.ts", 'import { PrismaClient } from "@/lib/generated/prisma/client";', /app\/ is thin/],
    ["components/x.tsx", 'import { listOrgs } from "@/lib/server/orgs/list-orgs";', /components run in the browser/],
    ["lib/client/x.ts", 'import { db } from "@/lib/db";', /lib\/client runs in the browser/],
  ])("refuses in %s: %s", async (file, code, reason) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(reason);
  });

  it.each([
    ["lib/pki/x/new.ts", 'import { readTlv } from "../der-read";\nimport crypto from "node:crypto";\nimport { AsnConvert } from "@peculiar/asn1-schema";'],
    ["lib/pki/x/new.ts", 'import { toPem } from "@/lib/pki/certificate/pem";'],
    ["app/api/v1/x/route.ts", 'import { listOrgs } from "@/lib/server/orgs/list-orgs";'],
    ["components/x.tsx", 'import type { Dashboard } from "@/lib/server/dashboard/get-dashboard";'],
  ])("allows in %s: %s", async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
