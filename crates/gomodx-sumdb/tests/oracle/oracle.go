// Vectors from Go's own golang.org/x/mod/sumdb/{note,tlog} (vendored in
// GOROOT) for gomodx-sumdb's tests: a key made from a fixed seed, a signed
// tree note, and the tree hash and every tile of a log, at two heights.
package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	skey, vkey, err := note.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, 32)), "example.com/db")
	check(err)
	fmt.Printf("vkey %s\n", vkey)
	signer, err := note.NewSigner(skey)
	check(err)

	var hashes []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = hashes[x]
		}
		return out, nil
	})
	const n = 300
	for i := int64(0); i < n; i++ {
		stored, err := tlog.StoredHashes(i, []byte(fmt.Sprintf("record %d\n", i)), reader)
		check(err)
		hashes = append(hashes, stored...)
	}
	hash, err := tlog.TreeHash(n, reader)
	check(err)
	tree := tlog.Tree{N: n, Hash: hash}
	signed, err := note.Sign(&note.Note{Text: string(tlog.FormatTree(tree))}, signer)
	check(err)
	fmt.Printf("note %s\n", hex.EncodeToString(signed))
	fmt.Printf("tree %d %s\n", tree.N, tree.Hash)
	for _, h := range []int{2, 8} {
		for _, tile := range tlog.NewTiles(h, 0, n) {
			data, err := tlog.ReadTileData(tile, reader)
			check(err)
			fmt.Printf("tile %s %s\n", tile.Path(), hex.EncodeToString(data))
		}
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
