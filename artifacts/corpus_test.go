package artifacts

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/malicious from maliciousCases")

const corpusDir = "testdata/malicious"

// TestGenerateCorpus keeps testdata/malicious/*.tar in sync with
// maliciousCases. Run `go test ./artifacts -run TestGenerateCorpus -update`
// after changing the table; without -update it only reports drift. The
// files exist so other tools (and people) can replay real hostile archives.
func TestGenerateCorpus(t *testing.T) {
	if *update {
		if err := os.MkdirAll(corpusDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range maliciousCases() {
		archive := buildTar(t, c.ents...)
		p := filepath.Join(corpusDir, c.name+".tar")
		if *update {
			if err := os.WriteFile(p, archive, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if onDisk, err := os.ReadFile(p); err != nil || !bytes.Equal(onDisk, archive) {
			t.Errorf("%s is missing or stale (%v); rerun with -update", p, err)
		}
	}
}

// TestMaliciousCorpusFiles replays every archive under testdata/malicious,
// including ones added by hand, with maliciousOpts. Files named "too-large*"
// must hit the size cap, "too-many*" the entry cap; all others must be
// refused as unsafe.
func TestMaliciousCorpusFiles(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.tar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < len(maliciousCases()) {
		t.Fatalf("found %d corpus files, want at least %d; run -update", len(paths), len(maliciousCases()))
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".tar")
		t.Run(name, func(t *testing.T) {
			archive, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			want := ErrUnsafeEntry
			switch {
			case strings.HasPrefix(name, "too-large"):
				want = ErrTooLarge
			case strings.HasPrefix(name, "too-many"):
				want = ErrTooManyEntries
			}
			assertRefused(t, archive, maliciousOpts, want, "")
		})
	}
}
