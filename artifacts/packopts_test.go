package artifacts

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestPackSkip checks the predicate sees source-relative slash paths, and
// that skipping a directory prunes it unread.
func TestPackSkip(t *testing.T) {
	src := smallTree(t)
	mustDo(t, os.MkdirAll(filepath.Join(src, "a", "deeper"), 0o755))
	var asked []string
	skip := func(rel string, isDir bool) bool {
		asked = append(asked, rel)
		return (rel == "a" && isDir) || rel == "l"
	}
	archive, st := pack(t, src, PackOptions{Name: "x", Skip: skip})
	if got := names(readTar(t, archive)); !slices.Equal(got, []string{"x/", "x/c.txt"}) {
		t.Errorf("entries %q", got)
	}
	if !slices.Equal(asked, []string{"a", "c.txt", "l"}) {
		t.Errorf("Skip asked about %q, want a, c.txt, l (nothing below a pruned dir)", asked)
	}
	if st.Files != 1 || st.Dirs != 1 || st.Symlinks != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// TestPackSpecialFiles checks sockets and fifos are left out and counted,
// rather than packed or (for a fifo) blocking the walk.
func TestPackSpecialFiles(t *testing.T) {
	src := smallTree(t)
	mustDo(t, syscall.Mkfifo(filepath.Join(src, "fifo"), 0o644))
	// A relative socket path keeps under the 108-byte sun_path limit.
	t.Chdir(src)
	l, err := net.Listen("unix", "sock")
	mustDo(t, err)
	defer l.Close()
	archive, st := pack(t, src, PackOptions{})
	if got := names(readTar(t, archive)); !slices.Equal(got, []string{"a/", "a/b.txt", "c.txt", "l"}) {
		t.Errorf("entries %q", got)
	}
	if st.Skipped != 2 {
		t.Errorf("Skipped = %d, want 2", st.Skipped)
	}
	if _, err := Pack(context.Background(), filepath.Join(src, "fifo"), io.Discard, PackOptions{Name: "f"}); err == nil {
		t.Error("a fifo as the source was accepted")
	}
}

// TestPackLimits checks the size cap names the file that crossed it, and
// that bad options and missing sources are plain errors.
func TestPackLimits(t *testing.T) {
	src := smallTree(t)
	_, err := Pack(context.Background(), src, io.Discard, PackOptions{MaxBytes: 2})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), `"c.txt"`) {
		t.Errorf("err = %v, want ErrTooLarge naming c.txt", err)
	}
	for _, opts := range []PackOptions{{MaxBytes: -1}, {Name: "../x"}, {Name: "a/../../x"}} {
		if _, err := Pack(context.Background(), src, io.Discard, opts); err == nil {
			t.Errorf("%+v accepted", opts)
		}
	}
	if _, err := Pack(context.Background(), filepath.Join(src, "nope"), io.Discard, PackOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing source: err = %v", err)
	}
}

// cancelWriter cancels ctx once n bytes have been written to it.
type cancelWriter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelWriter) Write(p []byte) (int, error) {
	if c.n -= len(p); c.n <= 0 {
		c.cancel()
	}
	return len(p), nil
}

// TestPackCancel checks ctx stops Pack before it starts and inside a large
// file, well before the file is copied.
func TestPackCancel(t *testing.T) {
	src := smallTree(t)
	mustDo(t, os.WriteFile(filepath.Join(src, "big"), make([]byte, 8<<20), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Pack(ctx, src, io.Discard, PackOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("before start: err = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	st, err := Pack(ctx, src, &cancelWriter{n: 1 << 20, cancel: cancel}, PackOptions{})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `"big"`) {
		t.Errorf("mid file: err = %v, want context.Canceled naming big", err)
	}
	if st.Bytes >= 8<<20 {
		t.Errorf("copied %d bytes after cancellation", st.Bytes)
	}
}
