// Verifiers of signed .difypkg packages that Signet did not write, for tests: the daemon's algorithm
// (FORMATS.md §7) implemented again in Python (zipfile + python-cryptography) and in Go's standard
// library (archive/zip as the daemon reads packages). Neither calls Signet's code.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// The daemon's algorithm (FORMATS.md §7), written again in Python with python3-cryptography: it
// loads the key file the way the daemon does (one PKCS#1 PEM block), walks the central directory
// skipping directories, and verifies RSASSA-PKCS1-v1_5 SHA-256 over the digests and the time.
const PYTHON_VERIFIER = `
import base64, hashlib, json, sys, zipfile
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
package, key_path = sys.argv[1], sys.argv[2]
pem = open(key_path, "rb").read()
assert pem.startswith(b"-----BEGIN RSA PUBLIC KEY-----\\n") and pem.endswith(b"-----END RSA PUBLIC KEY-----\\n"), "not one PKCS#1 block"
assert not pem.endswith(b"\\n\\n")
key = serialization.load_pem_public_key(pem)
assert isinstance(key, rsa.RSAPublicKey)
with zipfile.ZipFile(package) as z:
    comment = json.loads(z.comment.decode("ascii"))
    assert sorted(comment) == ["signature", "time"] and isinstance(comment["time"], int)
    data = b"".join(hashlib.sha256(z.read(i)).digest() for i in z.infolist() if not i.is_dir())
    names = [i.filename for i in z.infolist()]
    category = json.loads(z.read(".verification.dify.json"))["authorized_category"]
data += str(comment["time"]).encode("ascii")
try:
    key.verify(base64.b64decode(comment["signature"], validate=True), data, padding.PKCS1v15(), hashes.SHA256())
except Exception:
    print("BAD SIGNATURE"); sys.exit(1)
print(json.dumps({"names": names, "category": category, "time": comment["time"]}))
`;

// And once more in Go on the standard library only — archive/zip as the daemon reads packages
// (r.Open by name through io/fs, FileInfo().IsDir() to skip), pem.Decode with nothing left over.
const GO_VERIFIER = `package main

import (
	"archive/zip"
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strconv"
)

func main() {
	keyPEM, _ := os.ReadFile(os.Args[2])
	block, rest := pem.Decode(keyPEM)
	if block == nil || block.Type != "RSA PUBLIC KEY" || len(rest) != 0 {
		fmt.Println("BAD KEY FILE")
		os.Exit(2)
	}
	key, err := x509.ParsePKCS1PublicKey(block.Bytes)
	if err != nil {
		fmt.Println("BAD KEY", err)
		os.Exit(2)
	}
	r, err := zip.OpenReader(os.Args[1])
	if err != nil {
		fmt.Println("BAD ZIP", err)
		os.Exit(2)
	}
	var comment struct {
		// (encoding/json matches field names case-insensitively: "signature", "time".)
		Signature string
		Time      int64
	}
	if err := json.Unmarshal([]byte(r.Comment), &comment); err != nil {
		fmt.Println("BAD COMMENT", err)
		os.Exit(2)
	}
	data := new(bytes.Buffer)
	for _, f := range r.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := r.Open(f.Name)
		if err != nil {
			fmt.Println("OPEN", err)
			os.Exit(2)
		}
		h := sha256.New()
		io.Copy(h, rc)
		rc.Close()
		data.Write(h.Sum(nil))
	}
	data.WriteString(strconv.FormatInt(comment.Time, 10))
	sig, err := base64.StdEncoding.DecodeString(comment.Signature)
	if err != nil {
		fmt.Println("BAD BASE64")
		os.Exit(2)
	}
	sum := sha256.Sum256(data.Bytes())
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		fmt.Println("BAD SIGNATURE")
		os.Exit(1)
	}
	fmt.Println("OK")
}
`;

/** The verifiers, working (scripts, Go builds) in `dir`, which the caller creates and removes. */
export function difyVerifiers(dir: string) {
  function pythonVerify(pkg: string, key: string): { ok: boolean; out: string } {
    const script = path.join(dir, "verify_dify.py");
    if (!fs.existsSync(script)) fs.writeFileSync(script, PYTHON_VERIFIER);
    const r = spawnSync("/usr/bin/python3", [script, pkg, key], { encoding: "utf8" });
    return { ok: r.status === 0, out: r.stdout + r.stderr };
  }

  const goBinaries = new Map<string, string>();
  function goProgram(name: string, source: string): string {
    let binary = goBinaries.get(name);
    if (!binary) {
      const src = path.join(dir, `${name}.go`);
      fs.writeFileSync(src, source);
      binary = path.join(dir, name);
      // Standard library only (GOPATH mode, no module download), with its build cache in `dir`.
      execFileSync("env", ["GO111MODULE=off", `GOCACHE=${path.join(dir, "gocache")}`, `GOPATH=${path.join(dir, "gopath")}`, "go", "build", "-o", binary, src]);
      goBinaries.set(name, binary);
    }
    return binary;
  }

  function goVerify(pkg: string, key: string): { ok: boolean; out: string } {
    const r = spawnSync(goProgram("verify_dify", GO_VERIFIER), [pkg, key], { encoding: "utf8" });
    return { ok: r.status === 0 && r.stdout.trim() === "OK", out: r.stdout + r.stderr };
  }
  return { pythonVerify, goVerify, goProgram };
}

// What `dify plugin package` does to write a package: Go archive/zip's Writer.Create per file (host
// FAT, no date, no directory entries), in the order given.
export const GO_PACKAGER = `package main

import (
	"archive/zip"
	"os"
	"strings"
)

func main() {
	out, _ := os.Create(os.Args[1])
	w := zip.NewWriter(out)
	for _, arg := range os.Args[2:] {
		name, file, _ := strings.Cut(arg, "=")
		data, _ := os.ReadFile(file)
		f, _ := w.Create(name)
		f.Write(data)
	}
	if err := w.Close(); err != nil {
		os.Exit(1)
	}
	out.Close()
}
`;

