// Package ignore reads .runjobignore files and turns them into the skip
// predicate of artifacts.Pack, so an input directory is copied into a
// container without what its owner excluded.
//
// The syntax is gitignore's (comments, blank lines, "!" negation, "**",
// "dir/" for directories only, "/x" anchored to the file's directory), as
// implemented by go-git's matcher. A .runjobignore may sit in any directory
// of the input; its patterns apply below that directory, and deeper files
// take precedence, as in git. As in git, a path inside an excluded directory
// cannot be re-included: the directory is pruned unread.
//
// The .runjobignore files themselves are copied like any other file, as
// Docker does with .dockerignore; list ".runjobignore" in one to leave it
// out. Nothing is excluded by default, not even .git.
//
// Known differences from git, inherited from the library: a negation that
// re-includes a directory also re-includes its contents even if another
// pattern excludes them ("a/**/*" then "!a/b" keeps a/b/c; git drops it), and
// "a/**" also matches a itself. A class whose first member is "]" ("[]a]")
// is a syntax error here; write it "[\]a]".
package ignore

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// FileName is the name of an ignore file.
const FileName = ".runjobignore"

// Matcher holds the patterns of every .runjobignore under one directory.
// It is immutable once loaded, so safe for concurrent use.
type Matcher struct {
	m gitignore.Matcher
	// Files lists the ignore files read, relative to the root, in walk
	// order; for logging.
	Files []string
}

// Load reads root/.runjobignore and every .runjobignore below root that is
// not itself inside an excluded directory. A root that is a file, or a tree
// without ignore files, gives a Matcher that skips nothing.
//
// Ignore files are found by walking root once up front (directory listings
// only, pruning excluded directories), so that a broken one is reported
// here, as "path:line: reason", rather than silently including what it
// meant to exclude. Reads go through an os.Root, so no symlink leads
// outside root.
func Load(root string) (*Matcher, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("ignore: %w", err)
	}
	m := &Matcher{}
	if !fi.IsDir() {
		return m, nil
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("ignore: %w", err)
	}
	defer r.Close()
	var patterns []gitignore.Pattern
	err = fs.WalkDir(r.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if rel != "." && gitignore.NewMatcher(patterns).Match(split(rel), true) {
			return fs.SkipDir
		}
		ps, err := readFile(r, rel)
		if err == nil && ps != nil {
			patterns = append(patterns, ps...)
			m.Files = append(m.Files, path.Join(rel, FileName))
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ignore %s: %w", root, err)
	}
	m.m = gitignore.NewMatcher(patterns)
	return m, nil
}

// Skip reports whether rel, a slash-separated path relative to the root
// given to Load, is ignored. It has the signature of
// artifacts.PackOptions.Skip. A nil Matcher ignores nothing.
func (m *Matcher) Skip(rel string, isDir bool) bool {
	if m == nil || m.m == nil {
		return false
	}
	return m.m.Match(split(rel), isDir)
}

func split(rel string) []string { return strings.Split(rel, "/") }

// readFile parses dir/.runjobignore, if there is one, into patterns scoped
// to dir. A missing file gives nil patterns.
func readFile(r *os.Root, dir string) ([]gitignore.Pattern, error) {
	name := path.Join(dir, FileName)
	f, err := r.Open(filepath.FromSlash(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var domain []string
	if dir != "." {
		domain = split(dir)
	}
	ps := []gitignore.Pattern{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		p, err := parseLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if p != "" {
			ps = append(ps, gitignore.ParsePattern(p, domain))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return ps, nil
}
