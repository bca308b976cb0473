// What Mattermost's app/plugin_signature.go does (verifySignature → decodeIfArmored → openpgp.ReadKeyRing
// → openpgp.CheckDetachedSignature, golang.org/x/crypto/openpgp), as a command for Signet's tests:
//   go run . KEY SIG BUNDLE   → prints "OK <key id>" and exits 0, or prints the error and exits 1.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"golang.org/x/crypto/openpgp"
	"golang.org/x/crypto/openpgp/armor"
)

func decodeIfArmored(data []byte) io.Reader {
	block, err := armor.Decode(bytes.NewReader(data))
	if err != nil {
		return bytes.NewReader(data)
	}
	return block.Body
}

func main() {
	key, err1 := os.ReadFile(os.Args[1])
	sig, err2 := os.ReadFile(os.Args[2])
	bundle, err3 := os.Open(os.Args[3])
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			fmt.Println("read:", err)
			os.Exit(2)
		}
	}
	keyring, err := openpgp.ReadKeyRing(decodeIfArmored(key))
	if err != nil {
		fmt.Println("can't read public key:", err)
		os.Exit(1)
	}
	signer, err := openpgp.CheckDetachedSignature(keyring, bundle, decodeIfArmored(sig))
	if err != nil {
		fmt.Println("error while checking the signature:", err)
		os.Exit(1)
	}
	fmt.Printf("OK %016x\n", signer.PrimaryKey.KeyId)
}
