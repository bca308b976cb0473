// The slice of the PKCS#11 C API Signet uses, reached through the `pkcs11js` native addon.
// pkcs11js is an optional dependency (it compiles on install): a store without an HSM needs no C++
// toolchain, and the type check and build must pass where it is absent. Hence this local interface
// and the constants below (values from the OASIS pkcs11t.h header; pkcs11-api.test.ts checks them
// against the addon's own), and a runtime import that only happens once a token is configured.

export type Handle = Buffer;
export type Attribute = { type: number; value?: number | boolean | string | Buffer };
export type Mechanism = { mechanism: number; parameter?: Buffer };

export interface Cryptoki {
  load(modulePath: string): void;
  close(): void;
  C_Initialize(options?: { flags?: number }): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): { label: string };
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, maxObjectCount: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): { type: number; value: Buffer }[];
  C_GenerateKeyPairAsync(session: Handle, mechanism: Mechanism, publicTemplate: Attribute[], privateTemplate: Attribute[]): Promise<{ publicKey: Handle; privateKey: Handle }>;
  C_DestroyObject(session: Handle, object: Handle): void;
  C_SignInit(session: Handle, mechanism: Mechanism, key: Handle): void;
  C_Sign(session: Handle, data: Buffer, signature: Buffer): Buffer;
}

/** A Cryptoki return value, as pkcs11js reports it (`code` is the CKR_* value). */
export type Pkcs11Error = Error & { code?: number };

export const CK = {
  CKA_CLASS: 0x0,
  CKA_TOKEN: 0x1,
  CKA_PRIVATE: 0x2,
  CKA_LABEL: 0x3,
  CKA_VALUE: 0x11,
  CKA_KEY_TYPE: 0x100,
  CKA_ID: 0x102,
  CKA_SENSITIVE: 0x103,
  CKA_ENCRYPT: 0x104,
  CKA_DECRYPT: 0x105,
  CKA_WRAP: 0x106,
  CKA_UNWRAP: 0x107,
  CKA_SIGN: 0x108,
  CKA_VERIFY: 0x10a,
  CKA_DERIVE: 0x10c,
  CKA_MODULUS: 0x120,
  CKA_MODULUS_BITS: 0x121,
  CKA_PUBLIC_EXPONENT: 0x122,
  CKA_PRIVATE_EXPONENT: 0x123,
  CKA_EXTRACTABLE: 0x162,
  CKA_NEVER_EXTRACTABLE: 0x164,
  CKA_ALWAYS_SENSITIVE: 0x165,
  CKA_EC_PARAMS: 0x180,
  CKA_EC_POINT: 0x181,
  CKO_PUBLIC_KEY: 0x2,
  CKO_PRIVATE_KEY: 0x3,
  CKK_RSA: 0x0,
  CKK_EC: 0x3,
  CKM_RSA_PKCS_KEY_PAIR_GEN: 0x0,
  CKM_RSA_PKCS: 0x1,
  CKM_EC_KEY_PAIR_GEN: 0x1040,
  CKM_ECDSA: 0x1041,
  CKF_RW_SESSION: 0x2,
  CKF_SERIAL_SESSION: 0x4,
  CKF_OS_LOCKING_OK: 0x2,
  CKU_USER: 0x1,
  CKR_ATTRIBUTE_SENSITIVE: 0x11,
  CKR_USER_ALREADY_LOGGED_IN: 0x100,
  CKR_CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

/** Loads the addon on first use. The specifier is a variable so bundlers leave it to Node at run time. */
export async function loadCryptoki(): Promise<Cryptoki> {
  const specifier = "pkcs11js";
  let addon: { PKCS11: new () => Cryptoki };
  try {
    const imported = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ specifier)) as { default?: typeof addon } & typeof addon;
    addon = imported.default ?? imported;
  } catch (err) {
    throw new Error(
      `The PKCS#11 backend needs the optional dependency pkcs11js, which is not installed or not built ` +
        `(it compiles with node-gyp: a C++ toolchain and Node headers, e.g. npm config nodedir=/usr): ${(err as Error).message}`,
    );
  }
  return new addon.PKCS11();
}
