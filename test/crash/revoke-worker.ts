// Revokes one certificate and goes on to re-issue the CRL, where test/crash.test.ts holds it (a row
// lock on the CA) and kills it: the revocation is committed, no CRL lists it.
import { db } from "../../lib/db";
import { principalForUser } from "../../lib/server/auth/resolve-principal";
import { revokeCertificate } from "../../lib/server/certificates/revoke-certificate";

const [adminUserId, serial] = process.argv.slice(2);
const admin = await principalForUser(await db(), adminUserId, "token");
await revokeCertificate(admin, serial, { reason: "keyCompromise" });
process.stdout.write("revoked and published\n");
