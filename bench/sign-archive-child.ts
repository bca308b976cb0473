// One archive signing in a process of its own (so its peak RSS is its own), exactly as the server
// does it: lib/pki's signArchive with worker threads, then the detached CMS. Prints the time in ms.
import crypto from "node:crypto";
import fs from "node:fs";
import { certificatesFromPem } from "../lib/pki/chain/parse-certificate";
import { createDetachedSignature } from "../lib/pki/cms/signed-data";
import { signArchive } from "../lib/pki/jpl/sign-archive";
import { softwareSigner } from "../lib/pki/signer";

const [input, output, keyPath, chainPath] = process.argv.slice(2);
const privateKey = crypto.createPrivateKey(fs.readFileSync(keyPath));
const chainDer = certificatesFromPem(fs.readFileSync(chainPath, "utf8"));
const start = performance.now();
const signed = await signArchive({ inputPath: input, outputPath: output, privateKey, chainDer });
const p7s = await createDetachedSignature({ contentSha256: signed.sha256, certificatesDer: chainDer, signer: softwareSigner(privateKey), signingTime: new Date() });
const ms = performance.now() - start;
fs.writeFileSync(`${output}.p7s`, p7s);
process.stdout.write(`${ms.toFixed(0)} ${signed.files.length}\n`);
