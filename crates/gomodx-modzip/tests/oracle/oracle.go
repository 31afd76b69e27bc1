// Command oracle runs golang.org/x/mod's zip and dirhash packages (built
// from the copy vendored in GOROOT) so the Rust tests can compare against
// them. Output: "ok" or "error" on the first line, then the result (an h1
// hash or the error message).
//
//	oracle checkzip ZIP PATH VERSION
//	oracle unzip ZIP PATH VERSION DEST
//	oracle hashzip ZIP
//	oracle hashdir DIR PREFIX
//	oracle createdir DIR PATH VERSION OUT
//	oracle create SPEC PATH VERSION OUT
//	oracle writezip SPEC OUT
//
// A SPEC file is a sequence of entries, each: name length (uint32 LE),
// name, data length (uint32 LE), data, mode (uint32 LE, 0 = default),
// declared size (int64 LE, -1 = the real size).
package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

type entry struct {
	name     string
	data     []byte
	mode     uint32
	declared int64
}

func readSpec(path string) []entry {
	raw, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	r := bytes.NewReader(raw)
	var entries []entry
	for r.Len() > 0 {
		var e entry
		var n uint32
		binary.Read(r, binary.LittleEndian, &n)
		name := make([]byte, n)
		io.ReadFull(r, name)
		binary.Read(r, binary.LittleEndian, &n)
		e.data = make([]byte, n)
		io.ReadFull(r, e.data)
		binary.Read(r, binary.LittleEndian, &e.mode)
		binary.Read(r, binary.LittleEndian, &e.declared)
		e.name = string(name)
		entries = append(entries, e)
	}
	return entries
}

// memFile is a modzip.File held in memory.
type memFile struct{ e entry }

func (f memFile) Path() string                 { return f.e.name }
func (f memFile) Lstat() (os.FileInfo, error)  { return memInfo{f.e}, nil }
func (f memFile) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.e.data)), nil }

type memInfo struct{ e entry }

func (i memInfo) Name() string       { return i.e.name }
func (i memInfo) Size() int64        { return int64(len(i.e.data)) }
func (i memInfo) Mode() fs.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

func writeZip(entries []entry, out string) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		var w io.Writer
		var err error
		if e.declared >= 0 {
			h := &zip.FileHeader{
				Name:               e.name,
				Method:             zip.Store,
				CRC32:              crc32.ChecksumIEEE(e.data),
				CompressedSize64:   uint64(len(e.data)),
				UncompressedSize64: uint64(e.declared),
			}
			w, err = zw.CreateRaw(h)
		} else {
			h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
			if e.mode != 0 {
				h.SetMode(fs.FileMode(e.mode))
			}
			w, err = zw.CreateHeader(h)
		}
		if err != nil {
			return err
		}
		if _, err := w.Write(e.data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o666)
}

// unwrap removes the "unzip ZIP: " / "create zip DIR: " context that the
// zip package adds, which gomodx leaves to its callers.
func unwrap(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}

func createTo(out string, create func(io.Writer) error) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	return create(f)
}

func main() {
	args := os.Args[2:]
	var result string
	var err error
	switch os.Args[1] {
	case "checkzip":
		_, err = modzip.CheckZip(module.Version{Path: args[1], Version: args[2]}, args[0])
	case "unzip":
		err = unwrap(modzip.Unzip(args[3], module.Version{Path: args[1], Version: args[2]}, args[0]))
	case "hashzip":
		result, err = dirhash.HashZip(args[0], dirhash.Hash1)
	case "hashdir":
		result, err = dirhash.HashDir(args[0], args[1], dirhash.Hash1)
	case "createdir":
		err = createTo(args[3], func(w io.Writer) error {
			return unwrap(modzip.CreateFromDir(w, module.Version{Path: args[1], Version: args[2]}, args[0]))
		})
	case "create":
		var files []modzip.File
		for _, e := range readSpec(args[0]) {
			files = append(files, memFile{e})
		}
		err = createTo(args[3], func(w io.Writer) error {
			return unwrap(modzip.Create(w, module.Version{Path: args[1], Version: args[2]}, files))
		})
	case "writezip":
		err = writeZip(readSpec(args[0]), args[1])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Printf("error\n%s", err)
		return
	}
	fmt.Printf("ok\n%s", result)
}
