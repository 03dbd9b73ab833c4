package artifacts

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPackWithin checks that with Within set a source reached through a
// symlink leading out of Within is refused, whether the link is the source
// itself, a directory on its path, or the file it names, and that links
// staying inside Within are followed as before.
func TestPackWithin(t *testing.T) {
	base := t.TempDir()
	within := filepath.Join(base, "pipeline")
	outside := filepath.Join(base, "outside")
	mustDo(t, os.MkdirAll(filepath.Join(within, "real"), 0o755))
	mustDo(t, os.MkdirAll(outside, 0o755))
	mustDo(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("host secret"), 0o600))
	mustDo(t, os.WriteFile(filepath.Join(within, "real", "f"), []byte("ok"), 0o644))
	mustDo(t, os.Symlink(outside, filepath.Join(within, "dirlink")))
	mustDo(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(within, "filelink")))
	mustDo(t, os.Symlink("../outside", filepath.Join(within, "rellink")))
	mustDo(t, os.Symlink("real", filepath.Join(within, "inside")))

	for _, src := range []string{"dirlink", "filelink", "rellink", "dirlink/secret", "rellink/secret"} {
		t.Run(src, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := Pack(context.Background(), filepath.Join(within, src), &buf, PackOptions{Name: "in", Within: within})
			if !errors.Is(err, ErrLeavesRoot) {
				t.Fatalf("Pack(%s) = %v, want ErrLeavesRoot", src, err)
			}
			if !strings.Contains(err.Error(), src) {
				t.Errorf("error %q does not name the source", err)
			}
			if bytes.Contains(buf.Bytes(), []byte("host secret")) {
				t.Error("the archive holds the outside file's content")
			}
		})
	}
	for _, src := range []string{"inside", "inside/f", "real"} {
		archive, _ := pack(t, filepath.Join(within, src), PackOptions{Name: "in", Within: within})
		if got := names(readTar(t, archive)); !slices.Contains(got, "in") && !slices.Contains(got, "in/f") {
			t.Errorf("Pack(%s) entries %q", src, got)
		}
	}
	// A source outside Within is refused before anything is opened.
	var buf bytes.Buffer
	if _, err := Pack(context.Background(), outside, &buf, PackOptions{Name: "in", Within: within}); err == nil {
		t.Error("Pack of a source outside Within succeeded")
	}
}
