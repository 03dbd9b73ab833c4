package report

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
)

// The page loads nothing: no src attributes, no stylesheet links, no CSS
// url(), and every link is relative or a fragment.
func TestHTMLSelfContained(t *testing.T) {
	rep := recordFixture(t, t.TempDir())
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rep, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, buf.Bytes())
	if n := find(doc, func(n *htmlNode) bool { _, ok := attrOK(n, "src"); return ok || n.Data == "link" }); len(n) > 0 {
		t.Errorf("page references %d external resources", len(n))
	}
	if strings.Contains(styleSource, "url(") {
		t.Error("stylesheet uses url()")
	}
	for _, a := range find(doc, func(n *htmlNode) bool { _, ok := attrOK(n, "href"); return ok }) {
		href := attr(a, "href")
		u, err := url.Parse(href)
		if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(href, "/") {
			t.Errorf("link %q is not relative", href)
			continue
		}
		if u.Path == "" || u.Path == JSONFile {
			continue
		}
		// Links to log files and artifact directories must resolve on disk.
		if _, err := os.Stat(filepath.Join(rep.Dir, filepath.FromSlash(u.Path))); err != nil && strings.HasPrefix(u.Path, "logs/") {
			t.Errorf("link %q: %v", href, err)
		}
	}
}

// A report read back from report.json renders the same page as the run
// that wrote it.
func TestHTMLFromReadFile(t *testing.T) {
	root := t.TempDir()
	rep := recordFixture(t, root)
	written, err := os.ReadFile(filepath.Join(rep.Dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(filepath.Join(root, LatestLink, JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, back, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), written) {
		t.Error("re-rendered page differs from report.html")
	}
}

// A log larger than the bound shows its tail, numbered as in the file,
// with a note; terminal colours are dropped.
func TestHTMLLogTail(t *testing.T) {
	rec, err := NewRecorder(t.TempDir(), "run-h", testGraph(t, "chatty", "odd"), WithHTMLLogBytes(4096))
	if err != nil {
		t.Fatal(err)
	}
	o, e := rec.Open("chatty")
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(o, "\x1b[32mline %d\x1b[0m\n", i)
	}
	closeAll(t, o, e)
	res := finishedResult("run-h", "chatty", "odd")
	res.Steps[1].Status = executor.Status("exploded")
	if _, err := rec.Finish(res); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(rec.Dir(), HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, page)
	log := find(doc, and(byTag("details"), byAttr("data-step", "chatty")))[0]
	lines := find(log, byClass("l"))
	if len(lines) == 0 || len(lines) > 4096/30 {
		t.Fatalf("%d lines shown for a 4 KiB tail", len(lines))
	}
	last := lines[len(lines)-1]
	if got := text(last); got != "5000line 5000" {
		t.Errorf("last line %q, want number 5000 and text line 5000", got)
	}
	first := text(lines[0])
	n := 5000 - len(lines) + 1
	if want := fmt.Sprintf("%dline %d", n, n); first != want {
		t.Errorf("first shown line %q, want %q", first, want)
	}
	if note := find(log, byClass("note")); len(note) != 1 || !strings.Contains(text(note[0]), "of 5000 lines") {
		t.Error("truncated log has no note saying so")
	}
	if bytes.Contains(page, []byte("\x1b")) || bytes.Contains(page, []byte("[32m")) {
		t.Error("terminal escapes reached the page")
	}
	if row := find(doc, and(byClass("g-row"), byAttr("data-step", "odd"))); len(row) != 1 || !hasClass(row[0], "st-other") {
		t.Error("an unknown status must render with class st-other")
	}
}
