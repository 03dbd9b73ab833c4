package artifacts

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// maliciousCase is one hostile archive and the entry that must stop it.
type maliciousCase struct {
	name string // also the file name under testdata/malicious
	ents []ent
	bad  string // entry name the error must quote
	want error  // ErrUnsafeEntry, ErrTooLarge or ErrTooManyEntries
	// stripOnly marks cases that are only hostile with StripRoot "out".
	stripOnly bool
}

// maliciousOpts are the options every corpus archive is extracted with; all
// entries live under "out/" so most cases are hostile with or without
// StripRoot and can be run both ways.
var maliciousOpts = Options{StripRoot: "out", MaxBytes: 4096, MaxEntries: 64}

func maliciousCases() []maliciousCase {
	unsafe := func(name, bad string, ents ...ent) maliciousCase {
		return maliciousCase{name: name, ents: ents, bad: bad, want: ErrUnsafeEntry}
	}
	long := "out/" + strings.Repeat("deep/", 30) + strings.Repeat("../", 40) + "x"
	var empties []ent // one past MaxEntries: no bytes, all inodes
	for i := range maliciousOpts.MaxEntries + 1 {
		empties = append(empties, file(fmt.Sprintf("out/f%d", i), ""))
	}
	cases := []maliciousCase{
		unsafe("abs-path", "/etc/x", file("/etc/x", "pwned")),
		unsafe("dotdot", "../x", file("../x", "pwned")),
		unsafe("dotdot-nested", "out/../../x", file("out/../../x", "pwned")),
		unsafe("dotdot-harmless-looking", "out/sub/../a", file("out/sub/../a", "x")),
		unsafe("dotdot-long-name", long, file(long, "pwned")),
		unsafe("symlink-abs-then-write", "out/passwd", sym("out/passwd", "/etc/passwd"), file("out/passwd", "pwned")),
		unsafe("symlink-abs-dir-then-write", "out/etc", sym("out/etc", "/etc"), file("out/etc/x", "pwned")),
		unsafe("symlink-up-then-write", "out/l", sym("out/l", "../../.."), file("out/l/x", "pwned")),
		unsafe("symlink-up-from-subdir", "out/sub/l", dir("out/sub/"), sym("out/sub/l", "../../../etc")),
		unsafe("write-through-inner-symlink", "out/up/x", sym("out/up", "."), file("out/up/x", "x")),
		unsafe("link-through-inner-symlink", "out/sub/up/esc",
			dir("out/sub/"), sym("out/sub/up", ".."), sym("out/sub/up/esc", "../x")),
		unsafe("symlink-chain", "out/b", sym("out/a", "b"), sym("out/b", "../.."), file("out/a/x", "pwned")),
		unsafe("symlink-chain-via-dot", "out/a", sym("out/u", "."), sym("out/a", "u/.."), file("out/a/x", "pwned")),
		unsafe("hardlink-abs", "out/h", hard("out/h", "/etc/passwd")),
		unsafe("hardlink-dotdot", "out/h", hard("out/h", "../outside")),
		unsafe("hardlink-missing", "out/h", hard("out/h", "out/nope")),
		unsafe("hardlink-to-symlink", "out/h", file("out/a", "x"), sym("out/l", "a"), hard("out/h", "out/l")),
		unsafe("hardlink-to-dir", "out/h", dir("out/sub/"), hard("out/h", "out/sub")),
		unsafe("char-device", "out/null", special(tar.TypeChar, "out/null")),
		unsafe("block-device", "out/sda", special(tar.TypeBlock, "out/sda")),
		unsafe("fifo", "out/fifo", special(tar.TypeFifo, "out/fifo")),
		unsafe("unknown-type", "out/v", special('V', "out/v")),
		{name: "outside-root", ents: []ent{file("out/ok", "x"), file("other/x", "y")}, bad: "other/x", want: ErrUnsafeEntry, stripOnly: true},
		{name: "outside-root-prefix", ents: []ent{file("outx/y", "y")}, bad: "outx/y", want: ErrUnsafeEntry, stripOnly: true},
		{name: "hardlink-outside-root", ents: []ent{hard("out/h", "etc/passwd")},
			bad: "out/h", want: ErrUnsafeEntry, stripOnly: true},
		{name: "too-large", ents: []ent{file("out/big", strings.Repeat("x", 8192))}, bad: "out/big", want: ErrTooLarge},
		{name: "too-large-total", ents: []ent{file("out/a", strings.Repeat("a", 3000)), file("out/b", strings.Repeat("b", 3000))},
			bad: "out/b", want: ErrTooLarge},
		{name: "too-many-entries", ents: empties, bad: "out/f64", want: ErrTooManyEntries},
	}
	return cases
}

// TestExtractRefusesMalicious runs every case with and (where meaningful)
// without StripRoot: each must fail with the right sentinel, name the
// offending entry, and leave everything outside dest untouched.
func TestExtractRefusesMalicious(t *testing.T) {
	for _, c := range maliciousCases() {
		archive := buildTar(t, c.ents...)
		modes := map[string]Options{"strip": maliciousOpts, "export": {MaxBytes: maliciousOpts.MaxBytes, MaxEntries: maliciousOpts.MaxEntries}}
		if c.stripOnly {
			delete(modes, "export")
		}
		for mode, opts := range modes {
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				assertRefused(t, archive, opts, c.want, c.bad)
			})
		}
	}
}

// assertRefused extracts archive into a fresh sandbox and checks the error.
// bad may be empty when only the sentinel is known (files on disk).
func assertRefused(t *testing.T, archive []byte, opts Options, want error, bad string) {
	t.Helper()
	s := newSandbox(t)
	_, err := Extract(context.Background(), bytes.NewReader(archive), s.dest, opts)
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	t.Logf("refused: %v", err)
	if bad != "" && !strings.Contains(err.Error(), strconv.Quote(bad)) {
		t.Errorf("err = %v, want it to name %q", err, bad)
	}
	var ue *UnsafeEntryError
	if errors.As(err, &ue) && bad != "" && ue.Name != bad {
		t.Errorf("UnsafeEntryError.Name = %q, want %q", ue.Name, bad)
	}
	s.check(t)
}
