package housekeeping

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/internal/stepcache"
)

var reuseT0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// reuseStore is a store with three entries: build and test of /src/app.hcl
// (a day old and fresh) and lint of /src/other.hcl (two days old).
func reuseStore(t *testing.T) (string, map[string]stepcache.Meta) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "reuse")
	s, err := stepcache.Open(dir, stepcache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range []struct{ key, pipeline, step string }{
		{"k1", "/src/other.hcl", "lint"}, {"k2", "/src/app.hcl", "build"}, {"k3", "/src/app.hcl", "test"},
	} {
		p, err := s.Begin(e.key)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := p.Create("stdout")
		io.WriteString(w, strings.Repeat("x", 1000*(i+1)))
		w.Close()
		if err := p.Commit(stepcache.Meta{Pipeline: e.pipeline, Step: e.step, RunID: "run-" + e.step,
			Created: reuseT0.Add(time.Duration(i) * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	byStep := map[string]stepcache.Meta{}
	for _, m := range l {
		byStep[m.Step] = m
	}
	return dir, byStep
}

func rows(out string) []string {
	var rs []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		rs = append(rs, strings.Join(strings.Fields(l), " "))
	}
	return rs
}

// ls gives the total against the bound, then the entries most recently
// used first; --pipeline takes a file's path or its name.
func TestListReuse(t *testing.T) {
	dir, m := reuseStore(t)
	var out bytes.Buffer
	if err := ListReuse(ReuseOptions{Dir: dir, Bound: 1 << 30, Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	sum := m["lint"].Size + m["build"].Size + m["test"].Size
	row := func(step string) string {
		e := m[step]
		return strings.Join([]string{e.Pipeline, step, "run-" + step, bytesize.Format(e.Size), stamp(e.Created), stamp(e.Used)}, " ")
	}
	want := []string{"reuse store " + dir + ": 3 entries, " + bytesize.Format(sum) + " of 1 GiB",
		"PIPELINE STEP RUN SIZE CREATED LAST USED", row("test"), row("build"), row("lint")}
	if got := rows(out.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, sel := range []string{"app", "/src/app.hcl"} {
		out.Reset()
		ListReuse(ReuseOptions{Dir: dir, Pipeline: sel, Stdout: &out})
		if got := rows(out.String()); len(got) != 4 || got[2] != row("test") || got[3] != row("build") {
			t.Errorf("ls --pipeline %s:\n%s", sel, out.String())
		}
	}
}

// prune removes all, or by age, or down to a size, and says what; a dry
// run removes nothing.
func TestPruneReuse(t *testing.T) {
	dir, m := reuseStore(t)
	var out bytes.Buffer
	now := func() time.Time { return reuseT0.Add(60 * time.Hour) }
	o := ReuseOptions{Dir: dir, OlderThan: 36 * time.Hour, Now: now, DryRun: true, Stdout: &out}
	if err := PruneReuse(o); err != nil {
		t.Fatal(err)
	}
	left := m["test"].Size
	want := "would remove reuse entry of step lint of /src/other.hcl (run run-lint, " + bytesize.Format(m["lint"].Size) + ", last used " + stamp(m["lint"].Used) + ")\n" +
		"would remove reuse entry of step build of /src/app.hcl (run run-build, " + bytesize.Format(m["build"].Size) + ", last used " + stamp(m["build"].Used) + ")\n" +
		"reuse store: would remove 2 entries (" + bytesize.Format(m["lint"].Size+m["build"].Size) + "); " + bytesize.Format(left) + " left\n"
	if out.String() != want {
		t.Errorf("dry run:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	o.DryRun, o.OlderThan, o.MaxBytes = false, 0, m["test"].Size+m["build"].Size
	if err := PruneReuse(o); err != nil || !strings.HasPrefix(out.String(), "removed reuse entry of step lint ") || !strings.Contains(out.String(), "reuse store: removed 1 entry") {
		t.Errorf("max size: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := PruneReuse(ReuseOptions{Dir: dir, Pipeline: "app", Stdout: &out}); err != nil || !strings.HasSuffix(out.String(), "reuse store: removed 2 entries ("+bytesize.Format(m["test"].Size+m["build"].Size)+"); 0 B left\n") {
		t.Errorf("all of app: %v\n%s", err, out.String())
	}
}

// A store that does not exist is empty, and looking at it does not make
// it.
func TestReuseMissingStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reuse")
	var out bytes.Buffer
	if err := ListReuse(ReuseOptions{Dir: dir, Stdout: &out}); err != nil || out.String() != "reuse store "+dir+": empty\n" {
		t.Errorf("ls: %v %q", err, out.String())
	}
	out.Reset()
	if err := PruneReuse(ReuseOptions{Dir: dir, Stdout: &out}); err != nil || out.String() != "reuse store: removed 0 entries\n" {
		t.Errorf("prune: %v %q", err, out.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the store was created: %v", err)
	}
}
