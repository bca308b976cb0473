// A throwaway SoftHSM2 token per test file: its own config and token directory under a temp dir, so tests
// never touch the system token store (/var/lib/softhsm) and leave nothing behind.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Pkcs11Config } from "@/lib/env";

export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";
export const softhsmInstalled = fs.existsSync(SOFTHSM_MODULE);
export const SOFTHSM_MISSING = `PKCS#11 tests skipped: ${SOFTHSM_MODULE} is absent (apt-get install softhsm2)`;

export type SoftHsmToken = { dir: string; config: Pkcs11Config; pinFile: string; remove(): void };

/** Initializes a fresh token labelled `label` and points this process's SoftHSM2 at it (SOFTHSM2_CONF). */
export function createSoftHsmToken(label = "signet-test", pin = "1234"): SoftHsmToken {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-softhsm-"));
  const tokenDir = path.join(dir, "tokens");
  fs.mkdirSync(tokenDir, { mode: 0o700 });
  const conf = path.join(dir, "softhsm2.conf");
  fs.writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const previous = process.env.SOFTHSM2_CONF;
  // libsofthsm2 reads SOFTHSM2_CONF in C_Initialize, so the module loaded into this process sees this token only.
  process.env.SOFTHSM2_CONF = conf;
  execFileSync("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", "5678"], { stdio: "pipe", env: { ...process.env, SOFTHSM2_CONF: conf } });
  const pinFile = path.join(dir, "user.pin");
  fs.writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  return {
    dir,
    pinFile,
    config: { modulePath: SOFTHSM_MODULE, tokenLabel: label, pin: { file: pinFile } },
    remove() {
      if (previous === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = previous;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TokenObject = {
  label: string;
  extractable: boolean;
  sensitive: boolean;
  neverExtractable: boolean;
  alwaysSensitive: boolean;
  private: boolean;
  /** What the token answered when asked for the private value (CKA_VALUE for EC, CKA_PRIVATE_EXPONENT for RSA). */
  valueRead: string;
};

/**
 * Lists every private key object on the token from a separate Node process that uses pkcs11js directly, not
 * Signet's code: what the token itself says about the keys, and whether it hands out their private values.
 */
export function listTokenPrivateKeys(token: SoftHsmToken): TokenObject[] {
  const script = `
    const p = require("pkcs11js");
    const m = new p.PKCS11();
    m.load(${JSON.stringify(SOFTHSM_MODULE)});
    m.C_Initialize();
    try {
      const slot = m.C_GetSlotList(true).find((s) => m.C_GetTokenInfo(s).label.trimEnd() === ${JSON.stringify(token.config.tokenLabel)});
      const session = m.C_OpenSession(slot, p.CKF_SERIAL_SESSION);
      m.C_Login(session, p.CKU_USER, require("fs").readFileSync(${JSON.stringify(token.pinFile)}, "utf8").trim());
      m.C_FindObjectsInit(session, [{ type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }]);
      const handles = m.C_FindObjects(session, 100);
      m.C_FindObjectsFinal(session);
      const flag = (h, t) => m.C_GetAttributeValue(session, h, [{ type: t }])[0].value[0] === 1;
      const out = handles.map((h) => {
        const keyType = m.C_GetAttributeValue(session, h, [{ type: p.CKA_KEY_TYPE }])[0].value.readUInt32LE(0);
        let valueRead;
        try {
          m.C_GetAttributeValue(session, h, [{ type: keyType === p.CKK_RSA ? p.CKA_PRIVATE_EXPONENT : p.CKA_VALUE }]);
          valueRead = "returned";
        } catch (err) { valueRead = err.message; }
        return {
          label: m.C_GetAttributeValue(session, h, [{ type: p.CKA_LABEL }])[0].value.toString("utf8"),
          extractable: flag(h, p.CKA_EXTRACTABLE), sensitive: flag(h, p.CKA_SENSITIVE),
          neverExtractable: flag(h, p.CKA_NEVER_EXTRACTABLE), alwaysSensitive: flag(h, p.CKA_ALWAYS_SENSITIVE),
          private: flag(h, p.CKA_PRIVATE), valueRead,
        };
      });
      process.stdout.write(JSON.stringify(out));
    } finally { m.C_Finalize(); }
  `;
  const out = execFileSync(process.execPath, ["-e", script], { cwd: process.cwd(), encoding: "utf8", env: { ...process.env, SOFTHSM2_CONF: path.join(token.dir, "softhsm2.conf") } });
  return JSON.parse(out) as TokenObject[];
}
