package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

const (
	volumeSteps = 20
	volumeLines = 10000
)

// volumePipeline: 20 steps at once, each printing 10,000 numbered lines
// as fast as sed can, with a payload long enough that a line torn by a
// concurrent write would show.
func volumePipeline(t *testing.T) string {
	var b strings.Builder
	for i := range volumeSteps {
		fmt.Fprintf(&b, `step "s%02d" {
  image   = "busybox:latest"
  command = ["sh", "-c", "seq 1 %d | sed 's/^/s%02d line /; s/$/ %s/'"]
}
`, i, volumeLines, i, strings.Repeat("x", 80))
	}
	return write(t, b.String())
}

// volumeLine is a whole line as the step printed it.
var volumeLine = regexp.MustCompile(`^s(\d\d) line (\d+) x{80}$`)

// tally counts each (step, number) once and fails on anything torn,
// mismatched (a line under another step's name) or repeated.
type tally struct {
	t    *testing.T
	seen [volumeSteps][volumeLines + 1]bool
	n    [volumeSteps]int
}

func (c *tally) add(step, line string) {
	m := volumeLine.FindStringSubmatch(line)
	if m == nil || "s"+m[1] != step {
		c.t.Fatalf("torn or misattributed line under %q: %q", step, line)
	}
	s, _ := strconv.Atoi(m[1])
	k, _ := strconv.Atoi(m[2])
	if k < 1 || k > volumeLines || c.seen[s][k] {
		c.t.Fatalf("line %d of %s repeated or out of range", k, step)
	}
	c.seen[s][k] = true
	c.n[s]++
}

func (c *tally) check() {
	for s, n := range c.n {
		if n != volumeLines {
			c.t.Errorf("s%02d: %d lines, want %d", s, n, volumeLines)
		}
	}
}

// Every mode delivers every line of 20 parallel chatty steps exactly once,
// never torn. The tty view does not stream output, so there the run
// record's logs are counted.
func TestOutputCompleteUnderLoad(t *testing.T) {
	dockertest.Engine(t)
	p := volumePipeline(t)
	for _, format := range []string{"plain", "json", "github", "tty"} {
		t.Run(format, func(t *testing.T) {
			r := runjob(t, []string{"GITHUB_STEP_SUMMARY="}, p, "-j", fmt.Sprint(volumeSteps), "--log-format", format)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			c := &tally{t: t}
			switch format {
			case "plain":
				for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
					step, line, ok := strings.Cut(l, " | ")
					if !ok {
						t.Fatalf("unprefixed line %q", l)
					}
					c.add(strings.TrimSpace(step), line)
				}
			case "json":
				for _, e := range events(t, r.stdout) {
					if e["event"] == "output" {
						c.add(e["step"].(string), e["line"].(string))
					}
				}
			case "github":
				var group string
				for _, l := range strings.Split(r.stdout, "\n") {
					switch {
					case strings.HasPrefix(l, "::group::"):
						group = strings.Fields(strings.TrimPrefix(l, "::group::"))[0]
					case l == "::endgroup::":
						group = ""
					case strings.HasPrefix(l, "::"), l == "":
					case group == "":
						t.Fatalf("line outside a group: %q", l)
					default:
						c.add(group, l)
					}
				}
			case "tty":
				if r.stdout != "" {
					t.Fatalf("tty mode printed step output on stdout: %.200q", r.stdout)
				}
				logs := filepath.Join(filepath.Dir(p), ".runjob", "runs", r.runID, "logs")
				for i := range volumeSteps {
					step := fmt.Sprintf("s%02d", i)
					f, err := os.Open(filepath.Join(logs, step+".stdout"))
					if err != nil {
						t.Fatal(err)
					}
					sc := bufio.NewScanner(f)
					for sc.Scan() {
						c.add(step, sc.Text())
					}
					f.Close()
				}
			}
			c.check()
		})
	}
}

// A step printing random bytes, lines over the 64 KiB split and a last line
// without a newline still yields a stdout where every line is a JSON object.
func TestJSONSurvivesBinaryAndLongLines(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "noise" {
  image   = "busybox:latest"
  command = ["sh", "-c", "head -c 200000 /dev/urandom; head -c 150000 /dev/zero | tr '\\\\0' y; printf 'tail-without-newline'"]
}`)
	r := runjob(t, nil, p, "--log-format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var bytes int
	for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not JSON: %.200q: %v", l, err)
		}
		if e["event"] != "output" {
			continue
		}
		line := e["line"].(string)
		if len(line) > 64<<10+64<<10/2 { // U+FFFD may take 3 bytes for 1
			t.Errorf("an output line of %d bytes: not split", len(line))
		}
		bytes += len(line)
	}
	// The y run has no newline either, so the tail ends its last piece.
	if !strings.Contains(r.stdout, `tail-without-newline","time"`) {
		t.Error("the last line, without a newline, is missing")
	}
	if bytes < 150000 {
		t.Errorf("only %d bytes of output came through", bytes)
	}
}
