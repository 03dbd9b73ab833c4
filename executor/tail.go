package executor

import (
	"strings"
	"sync"
)

// tailBytes bounds what a service's log tail keeps.
const tailBytes = 4 << 10

// tailLines is how many lines of a service's log an error message shows.
const tailLines = 20

// tail keeps the last bytes written to it, from stdout and stderr at once,
// so an error about a service can show how its log ended.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - tailBytes; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// String returns the last tailLines complete or partial lines, indented.
func (t *tail) String() string {
	t.mu.Lock()
	s := strings.TrimRight(string(t.buf), "\n")
	t.mu.Unlock()
	if s == "" {
		return "  (no output)"
	}
	lines := strings.Split(s, "\n")
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return "  " + strings.Join(lines, "\n  ")
}
