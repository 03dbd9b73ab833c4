package artifacts

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// fuzzOpts keeps fuzz inputs from filling the disk.
func fuzzOpts(strip bool) Options {
	o := Options{MaxBytes: 1 << 20}
	if strip {
		o.StripRoot = "out"
	}
	return o
}

// FuzzExtract feeds arbitrary bytes as a tar stream. Whatever happens,
// Extract must not panic, and nothing outside dest may change: the sandbox
// check also follows every symlink left in dest.
func FuzzExtract(f *testing.F) {
	f.Add([]byte{}, false)
	for _, c := range maliciousCases() {
		f.Add(buildTar(f, c.ents...), true)
	}
	f.Add(buildTar(f, dir("out/"), file("out/a", "a"), sym("out/l", "a"), hard("out/h", "out/a")), true)
	f.Add(buildTar(f, ent{typ: 'g', name: "g", body: "x"}, dir("./"), file("etc/passwd", "x"), sym("bin/sh", "../x")), false)
	s := newSandbox(f)
	f.Fuzz(func(t *testing.T, data []byte, strip bool) {
		_, _ = Extract(context.Background(), bytes.NewReader(data), s.dest, fuzzOpts(strip))
		s.checkAndReset(t)
	})
}

// FuzzExtractEntries explores the extractor's logic rather than tar parsing:
// random bytes rarely survive the header checksum, so here the input is a
// script of entries, one per line ("<type> <name> [<link or body>]", type
// one of f d l h c b p), turned into a well-formed archive.
// When extraction succeeds, the manifest it returns must also verify
// against the tree it left: replacements, hard links and implicit parents
// included.
func FuzzExtractEntries(f *testing.F) {
	for _, c := range maliciousCases() {
		f.Add(entsToScript(c.ents), true)
	}
	f.Add("l out/u .\nl out/a u/..\nf out/a/x pwned", true)
	f.Add("d sub/\nl sub/up ..\nl sub/up/esc ../x\nl d sub/up\nf d/y z", false)
	f.Add("f a x\nh b a\nl a ../..\nf b y", false)
	s := newSandbox(f)
	f.Fuzz(func(t *testing.T, script string, strip bool) {
		archive, ok := scriptToTar(script)
		if !ok {
			t.Skip("not encodable as tar")
		}
		opts := fuzzOpts(strip)
		opts.Manifest = true
		st, err := Extract(context.Background(), bytes.NewReader(archive), s.dest, opts)
		if err == nil {
			if err := Verify(s.dest, st.Manifest); err != nil {
				t.Errorf("manifest does not describe the extracted tree: %v", err)
			}
		}
		s.checkAndReset(t)
	})
}

// checkAndReset checks the sandbox and empties dest for the next input.
// One sandbox per fuzz worker (inputs run sequentially) keeps each exec to
// the extraction itself, which matters on filesystems where creating a file
// costs most of a millisecond.
func (s sandbox) checkAndReset(t *testing.T) {
	s.check(t)
	if err := os.RemoveAll(s.dest); err != nil {
		t.Fatal(err)
	}
}

var scriptTypes = map[string]byte{
	"f": tar.TypeReg, "d": tar.TypeDir, "l": tar.TypeSymlink, "h": tar.TypeLink,
	"c": tar.TypeChar, "b": tar.TypeBlock, "p": tar.TypeFifo,
}

func entsToScript(ents []ent) string {
	var lines []string
	for _, e := range ents {
		for k, v := range scriptTypes {
			if v == e.typ {
				lines = append(lines, strings.TrimSpace(k+" "+e.name+" "+e.link+e.body))
			}
		}
	}
	return strings.Join(lines, "\n")
}

func scriptToTar(script string) ([]byte, bool) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for line := range strings.SplitSeq(script, "\n") {
		fields := strings.SplitN(line, " ", 3)
		typ, ok := scriptTypes[fields[0]]
		if !ok || len(fields) < 2 {
			continue
		}
		hdr := &tar.Header{Typeflag: typ, Name: fields[1], Mode: 0o755, ModTime: epoch}
		var body string
		if len(fields) == 3 {
			if typ == tar.TypeReg {
				body = fields[2]
			} else {
				hdr.Linkname = fields[2]
			}
		}
		hdr.Size = int64(len(body))
		if tw.WriteHeader(hdr) != nil {
			return nil, false
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			return nil, false
		}
	}
	return buf.Bytes(), tw.Close() == nil
}
