package artifacts

import (
	"fmt"
	"os"
	"path/filepath"
)

// source is how Pack reaches its src: directly, or through an os.Root on
// PackOptions.Within.
type source struct {
	path   string
	within *os.Root // nil: src is opened as named
	rel    string   // src relative to within
}

// openSource checks that src lies lexically inside within (when set) and
// opens the root every later access goes through.
func openSource(src, within string) (source, error) {
	if within == "" {
		return source{path: src}, nil
	}
	rel, err := filepath.Rel(within, src)
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return source{}, fmt.Errorf("pack %s: not inside %s", src, within)
	}
	root, err := os.OpenRoot(within)
	if err != nil {
		return source{}, fmt.Errorf("pack: %w", err)
	}
	return source{path: src, within: root, rel: rel}, nil
}

// stat follows src, but only inside within: a link out of it is an error.
func (s source) stat() (os.FileInfo, error) {
	if s.within == nil {
		return os.Stat(s.path)
	}
	fi, err := s.within.Stat(s.rel)
	return fi, s.escaped(err)
}

func (s source) open() (*os.File, error) {
	if s.within == nil {
		return os.Open(s.path)
	}
	f, err := s.within.Open(s.rel)
	return f, s.escaped(err)
}

func (s source) openRoot() (*os.Root, error) {
	if s.within == nil {
		return os.OpenRoot(s.path)
	}
	r, err := s.within.OpenRoot(s.rel)
	return r, s.escaped(err)
}

func (s source) close() {
	if s.within != nil {
		_ = s.within.Close()
	}
}

// escaped explains an access the root refused where a plain one succeeds:
// the path goes through a symlink leading out of within.
func (s source) escaped(err error) error {
	if err == nil || s.within == nil {
		return err
	}
	if _, plain := os.Stat(s.path); plain == nil {
		return fmt.Errorf("%s goes through a symlink that leads out of %s (%w)", s.path, s.within.Name(), ErrLeavesRoot)
	}
	return err
}
