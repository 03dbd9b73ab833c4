package ignore

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// DockerFileName is the ignore file of a build context.
const DockerFileName = ".dockerignore"

// LoadDockerignore reads root/.dockerignore, the one ignore file of a
// build context, into a Matcher. Docker reads only that file, and anchors
// every pattern at the context's root ("x" is ./x, not x at any depth; use
// "**/x" for that), so each pattern is anchored here too; the rest of the
// syntax is this package's. As the docker CLI does, the Dockerfile (keep,
// a slash-separated path in root) and .dockerignore itself are always
// sent, whatever the patterns say: the builder needs the one and reads
// the other. A context without .dockerignore gives a Matcher that skips
// nothing.
func LoadDockerignore(root string, keep string) (*Matcher, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("dockerignore: %w", err)
	}
	defer r.Close()
	f, err := r.Open(DockerFileName)
	if errors.Is(err, fs.ErrNotExist) {
		return &Matcher{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dockerignore: %w", err)
	}
	defer f.Close()
	ps := []gitignore.Pattern{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		p, err := parseLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", DockerFileName, line, err)
		}
		if p != "" {
			ps = append(ps, gitignore.ParsePattern(anchor(p), nil))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", DockerFileName, err)
	}
	for _, k := range []string{keep, DockerFileName} {
		ps = append(ps, gitignore.ParsePattern("!/"+path.Clean(k), nil))
	}
	return &Matcher{m: gitignore.NewMatcher(ps), Files: []string{DockerFileName}}, nil
}

// anchor roots a pattern at the context, keeping its negation.
func anchor(p string) string {
	neg := strings.HasPrefix(p, "!")
	body := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(p, "!")), "./"), "/")
	if neg {
		return "!/" + body
	}
	return "/" + body
}
