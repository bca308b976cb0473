// What Grafana's plugin signature check does with MANIFEST.txt (pkg/plugins/manager/signature):
// clearsign.Decode, openpgp.ReadArmoredKeyRing over the key named by the manifest's keyId, then
// openpgp.CheckDetachedSignature over the cleartext block — with github.com/ProtonMail/go-crypto.
//   go run . KEY.asc MANIFEST.txt   → prints "OK <key id>" and the plaintext, or the error (exit 1).
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
)

func main() {
	key, err1 := os.ReadFile(os.Args[1])
	body, err2 := os.ReadFile(os.Args[2])
	if err1 != nil || err2 != nil {
		fmt.Println("read:", err1, err2)
		os.Exit(2)
	}
	block, _ := clearsign.Decode(body)
	if block == nil {
		fmt.Println("unable to decode manifest")
		os.Exit(1)
	}
	keyring, err := openpgp.ReadArmoredKeyRing(bytes.NewBuffer(key))
	if err != nil {
		fmt.Println("failed to parse public key:", err)
		os.Exit(1)
	}
	signer, err := openpgp.CheckDetachedSignature(keyring, bytes.NewBuffer(block.Bytes), block.ArmoredSignature.Body, nil)
	if err != nil {
		fmt.Println("failed to check signature:", err)
		os.Exit(1)
	}
	fmt.Printf("OK %016x\n", signer.PrimaryKey.KeyId)
	os.Stdout.Write(block.Plaintext)
}
