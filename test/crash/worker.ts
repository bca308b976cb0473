// A process that does nothing but the work that must survive a kill -9: issuing certificates
// (hosted-key generation, CA signature, serial bookkeeping), revoking them and re-issuing CRLs.
// test/crash.test.ts starts it, kills it at a random moment, and checks what it left behind.
import { db } from "../../lib/db";
import { principalForUser } from "../../lib/server/auth/resolve-principal";
import { revokeCertificate } from "../../lib/server/certificates/revoke-certificate";
import { approveRequest } from "../../lib/server/requests/approve-request";
import { requestPluginCert } from "../../lib/server/requests/request-plugin-cert";
import { publishCrl } from "../../lib/server/revocation/publish-crl";
import { extraCrashWork } from "./extra-work";

const [adminUserId, orgSlug, orgCaId, round] = process.argv.slice(2);
const client = await db();
const admin = await principalForUser(client, adminUserId, "token");
let n = 0;
process.stdout.write("ready\n");
for (;;) {
  n += 1;
  const pluginId = `com.crash.r${round}n${n}`;
  const { request } = await requestPluginCert(admin, orgSlug, { pluginId });
  const { certificate } = await approveRequest(admin, request.id);
  process.stdout.write(`issued ${certificate.serial}\n`);
  if (n % 2 === 0) await revokeCertificate(admin, certificate.serial, { reason: "superseded" });
  if (n % 3 === 0) await publishCrl(orgCaId);
  await extraCrashWork(admin, orgSlug, pluginId, n);
}
