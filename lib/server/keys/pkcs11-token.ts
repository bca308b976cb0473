// A logged-in session on the PKCS#11 token that holds the CA keys: key pairs are generated inside it
// and sign inside it; nothing here can read a private key out (the keys are created non-extractable,
// and generation is refused on a token that does not honour that).
import fs from "node:fs";
import type { Pkcs11Config } from "../../env";
import { ecParamsFor, ecSpkiFromPoint, isEcAlgorithm, rsaSpkiFromModulus } from "../../pki/hsm-signature";
import type { KeyAlgorithm } from "../../pki/signer";
import { CK, loadCryptoki, type Attribute, type Cryptoki, type Handle, type Mechanism, type Pkcs11Error } from "./pkcs11-api";

const codeOf = (err: unknown) => (err as Pkcs11Error).code;

export class Pkcs11Token {
  private readonly privateKeys = new Map<string, Handle>();
  private closed = false;

  private constructor(
    private readonly cryptoki: Cryptoki,
    private readonly slot: Handle,
    private readonly session: Handle,
    private readonly initializedHere: boolean,
    readonly tokenLabel: string,
  ) {}

  /** Loads the module, finds the token by label, opens a read-write session and logs in as the user. */
  static async open(config: Pkcs11Config): Promise<Pkcs11Token> {
    const cryptoki = await loadCryptoki();
    cryptoki.load(config.modulePath);
    let initializedHere = true;
    try {
      // OS locking: key generation runs on libuv's thread pool while signatures run on the main thread.
      cryptoki.C_Initialize({ flags: CK.CKF_OS_LOCKING_OK });
    } catch (err) {
      if (codeOf(err) !== CK.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        cryptoki.close();
        throw err;
      }
      initializedHere = false;
    }
    let session: Handle | undefined;
    try {
      const slot = findSlot(cryptoki, config.tokenLabel);
      session = cryptoki.C_OpenSession(slot, CK.CKF_SERIAL_SESSION | CK.CKF_RW_SESSION);
      login(cryptoki, session, config);
      return new Pkcs11Token(cryptoki, slot, session, initializedHere, config.tokenLabel);
    } catch (err) {
      if (session) cryptoki.C_CloseSession(session);
      if (initializedHere) cryptoki.C_Finalize();
      cryptoki.close();
      throw err;
    }
  }

  /**
   * Generates a signing key pair on the token (CKA_TOKEN, private, sensitive, never extractable) and returns
   * its public key as a DER SubjectPublicKeyInfo. Both objects carry `label` and `id`.
   */
  async generateKeyPair(algorithm: KeyAlgorithm, label: string, id: Buffer): Promise<Uint8Array> {
    this.assertOpen();
    const common: Attribute[] = [
      { type: CK.CKA_TOKEN, value: true },
      { type: CK.CKA_LABEL, value: label },
      { type: CK.CKA_ID, value: id },
    ];
    const publicTemplate: Attribute[] = [...common, { type: CK.CKA_VERIFY, value: true }, { type: CK.CKA_ENCRYPT, value: false }, { type: CK.CKA_WRAP, value: false }];
    const privateTemplate: Attribute[] = [
      ...common,
      { type: CK.CKA_PRIVATE, value: true },
      { type: CK.CKA_SENSITIVE, value: true },
      { type: CK.CKA_EXTRACTABLE, value: false },
      { type: CK.CKA_SIGN, value: true },
      { type: CK.CKA_DECRYPT, value: false },
      { type: CK.CKA_UNWRAP, value: false },
      { type: CK.CKA_DERIVE, value: false },
    ];
    let mechanism: Mechanism;
    if (isEcAlgorithm(algorithm)) {
      mechanism = { mechanism: CK.CKM_EC_KEY_PAIR_GEN };
      publicTemplate.push({ type: CK.CKA_EC_PARAMS, value: ecParamsFor(algorithm) });
    } else {
      mechanism = { mechanism: CK.CKM_RSA_PKCS_KEY_PAIR_GEN };
      publicTemplate.push({ type: CK.CKA_MODULUS_BITS, value: Number(algorithm.slice(4)) }, { type: CK.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) });
    }
    // Generation runs off the main thread (RSA-4096 takes seconds), so it gets a session of its own:
    // a PKCS#11 session must not be used from two threads at once.
    const session = this.cryptoki.C_OpenSession(this.slot, CK.CKF_SERIAL_SESSION | CK.CKF_RW_SESSION);
    try {
      const pair = await this.cryptoki.C_GenerateKeyPairAsync(session, mechanism, publicTemplate, privateTemplate);
      try {
        this.assertNeverExtractable(session, pair.privateKey, label);
        return this.publicKeySpki(session, pair.publicKey, algorithm);
      } catch (err) {
        this.cryptoki.C_DestroyObject(session, pair.privateKey);
        this.cryptoki.C_DestroyObject(session, pair.publicKey);
        throw err;
      }
    } finally {
      this.cryptoki.C_CloseSession(session);
    }
  }

  /** Removes both halves of a key pair (a key whose database row was never written). */
  destroyKeyPair(label: string): void {
    this.assertOpen();
    for (const objectClass of [CK.CKO_PRIVATE_KEY, CK.CKO_PUBLIC_KEY]) {
      for (const handle of this.find(objectClass, label)) this.cryptoki.C_DestroyObject(this.session, handle);
    }
    this.privateKeys.delete(label);
  }

  /**
   * Signs `input` with the private key labelled `label` using a single-part mechanism. Synchronous on
   * purpose: CA signatures are rare (issuance, CRLs), and a synchronous C_SignInit + C_Sign pair cannot
   * interleave with another signature on the one shared session.
   */
  sign(label: string, mechanism: Mechanism, input: Buffer): Buffer {
    this.assertOpen();
    const key = this.privateKey(label);
    try {
      this.cryptoki.C_SignInit(this.session, mechanism, key);
      // Large enough for RSA-4096 (512 bytes) and P-384's r||s (96 bytes); the addon returns the used slice.
      return Buffer.from(this.cryptoki.C_Sign(this.session, input, Buffer.alloc(1024)));
    } catch (err) {
      // A handle can go stale (object deleted, token re-inserted); look the key up again next time.
      this.privateKeys.delete(label);
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.privateKeys.clear();
    try {
      this.cryptoki.C_CloseSession(this.session);
      if (this.initializedHere) this.cryptoki.C_Finalize();
    } finally {
      this.cryptoki.close();
    }
  }

  private privateKey(label: string): Handle {
    const cached = this.privateKeys.get(label);
    if (cached) return cached;
    const found = this.find(CK.CKO_PRIVATE_KEY, label);
    if (found.length !== 1) {
      throw new Error(`expected one private key labelled "${label}" on token "${this.tokenLabel}", found ${found.length}`);
    }
    this.privateKeys.set(label, found[0]);
    return found[0];
  }

  private find(objectClass: number, label: string): Handle[] {
    this.cryptoki.C_FindObjectsInit(this.session, [
      { type: CK.CKA_CLASS, value: objectClass },
      { type: CK.CKA_TOKEN, value: true },
      { type: CK.CKA_LABEL, value: label },
    ]);
    try {
      return this.cryptoki.C_FindObjects(this.session, 2);
    } finally {
      this.cryptoki.C_FindObjectsFinal(this.session);
    }
  }

  /** Some tokens ignore template attributes they do not support; a CA key that could leave the token is refused. */
  private assertNeverExtractable(session: Handle, privateKey: Handle, label: string): void {
    const attrs = this.cryptoki.C_GetAttributeValue(session, privateKey, [
      { type: CK.CKA_TOKEN },
      { type: CK.CKA_PRIVATE },
      { type: CK.CKA_SENSITIVE },
      { type: CK.CKA_EXTRACTABLE },
    ]);
    const [onToken, isPrivate, sensitive, extractable] = attrs.map((a) => a.value.length > 0 && a.value[0] !== 0);
    if (!onToken || !isPrivate || !sensitive || extractable) {
      throw new Error(`token "${this.tokenLabel}" did not create "${label}" as a persistent, private, sensitive, non-extractable key`);
    }
  }

  private publicKeySpki(session: Handle, publicKey: Handle, algorithm: KeyAlgorithm): Uint8Array {
    if (isEcAlgorithm(algorithm)) {
      const [point] = this.cryptoki.C_GetAttributeValue(session, publicKey, [{ type: CK.CKA_EC_POINT }]);
      return ecSpkiFromPoint(algorithm, unwrapEcPoint(point.value, algorithm));
    }
    const [modulus, exponent] = this.cryptoki.C_GetAttributeValue(session, publicKey, [{ type: CK.CKA_MODULUS }, { type: CK.CKA_PUBLIC_EXPONENT }]);
    return rsaSpkiFromModulus(modulus.value, exponent.value);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the session on token "${this.tokenLabel}" is closed`);
  }
}

function findSlot(cryptoki: Cryptoki, tokenLabel: string): Handle {
  // Token labels are 32 bytes padded with spaces (CK_TOKEN_INFO.label).
  const matches = cryptoki.C_GetSlotList(true).filter((slot) => cryptoki.C_GetTokenInfo(slot).label.trimEnd() === tokenLabel);
  if (matches.length !== 1) throw new Error(`expected one PKCS#11 token labelled "${tokenLabel}", found ${matches.length}`);
  return matches[0];
}

function login(cryptoki: Cryptoki, session: Handle, config: Pkcs11Config): void {
  // A PIN file may end with a newline (echo, editors); the PIN itself never appears in an error or log.
  const pin = "value" in config.pin ? config.pin.value : fs.readFileSync(config.pin.file, "utf8").replace(/\r?\n$/, "");
  try {
    cryptoki.C_Login(session, CK.CKU_USER, pin);
  } catch (err) {
    // Login state is per application, not per session: another session of this process may have logged in.
    if (codeOf(err) !== CK.CKR_USER_ALREADY_LOGGED_IN) throw err;
  }
}

/**
 * CKA_EC_POINT is a DER OCTET STRING around the uncompressed point (PKCS#11 v2.40 §2.3.3); some tokens return the
 * bare point. The two are told apart by length: the points Signet uses are shorter than 128 bytes.
 */
function unwrapEcPoint(value: Buffer, algorithm: "ecdsa-p256" | "ecdsa-p384"): Buffer {
  const pointLength = algorithm === "ecdsa-p256" ? 65 : 97;
  if (value.length === pointLength + 2 && value[0] === 0x04 && value[1] === pointLength) return value.subarray(2);
  return value;
}
