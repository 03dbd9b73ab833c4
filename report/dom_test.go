package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// checkDOM asserts on the fixture's report page as parsed (or as a browser
// built it, for a DOM dump).
func checkDOM(t *testing.T, rep *Report, doc *html.Node) {
	t.Helper()
	if status := find(doc, byID("run-status")); len(status) != 1 || text(status[0]) != "failed" || !hasClass(status[0], "st-failed") {
		t.Errorf("run status badge: want one #run-status reading failed with class st-failed")
	}

	// Timeline: one row per step, classed by status; a bar for every step
	// that ran, a label for the others.
	rows := find(doc, byClass("g-row"))
	if len(rows) != len(rep.Steps) {
		t.Errorf("timeline has %d rows, want %d", len(rows), len(rep.Steps))
	}
	for _, s := range rep.Steps {
		row := find(doc, and(byClass("g-row"), byAttr("data-step", s.Name)))
		if len(row) != 1 {
			t.Errorf("timeline rows for %q: %d, want 1", s.Name, len(row))
			continue
		}
		want := statusClass(s.Status)
		if !hasClass(row[0], want) {
			t.Errorf("timeline row %q: class %q lacks %q", s.Name, attr(row[0], "class"), want)
		}
		bars := find(row[0], byClass("g-bar"))
		switch {
		case s.Started != nil && (len(bars) != 1 || !hasClass(bars[0], want)):
			t.Errorf("timeline row %q: want one bar of class %s, got %d", s.Name, want, len(bars))
		case s.Started == nil && (len(bars) != 0 || len(find(row[0], byClass("g-none"))) != 1):
			t.Errorf("timeline row %q never ran: want no bar and a g-none label", s.Name)
		}
	}

	// Graph: 8 nodes and 10 edges; the two edges out of steps that did not
	// succeed (test[go1.22] -> package, package -> deploy) are drawn blocked.
	svgs := find(doc, and(byTag("svg"), byClass("graph")))
	if len(svgs) != 1 {
		t.Fatalf("want one svg.graph, got %d", len(svgs))
	}
	nodes := find(svgs[0], byClass("node"))
	var names []string
	for _, n := range nodes {
		names = append(names, attr(n, "data-step"))
	}
	if want := stepNames(rep); !slices.Equal(names, want) {
		t.Errorf("graph nodes %q, want %q", names, want)
	}
	if edges := find(svgs[0], and(byTag("path"), byClass("edge"))); len(edges) != 10 {
		t.Errorf("graph has %d edges, want 10", len(edges))
	}
	if blocked := find(svgs[0], byClass("edge-blocked")); len(blocked) != 2 {
		t.Errorf("graph has %d blocked edges, want 2", len(blocked))
	}

	// Logs: one <details> per step; the failed one open, its markup and
	// secret-looking line shown as text, its stderr lines marked.
	if logs := find(doc, and(byTag("details"), byClass("log"))); len(logs) != len(rep.Steps) {
		t.Errorf("%d log sections, want %d", len(logs), len(rep.Steps))
	}
	failed := find(doc, and(byTag("details"), byAttr("data-step", "test[go1.22]")))
	if len(failed) != 1 {
		t.Fatalf("want one log section for test[go1.22], got %d", len(failed))
	}
	if _, open := attrOK(failed[0], "open"); !open {
		t.Errorf("the failed step's log is not open")
	}
	body := text(failed[0])
	for _, want := range []string{fixtureMarkup, fixtureSecret, "render_test.go:42: got <nil>, want &Page{}"} {
		if !strings.Contains(body, want) {
			t.Errorf("failed step's log lacks the text %q", want)
		}
	}
	if el := find(failed[0], byTag("b")); len(el) != 0 {
		t.Errorf("log markup was interpreted: found %d <b> elements in the log", len(el))
	}
	if scripts := find(doc, byTag("script")); len(scripts) != 1 {
		t.Errorf("page has %d <script> elements, want only its own", len(scripts))
	}
	stderr := find(failed[0], byClass("e"))
	if len(stderr) != 2 || !strings.HasSuffix(text(stderr[1]), "FAIL") {
		t.Errorf("failed step's log: want 2 stderr lines ending in FAIL, got %d", len(stderr))
	}

	// Artifacts: build's bin, with its manifest.
	art := find(doc, and(byClass("artifact"), byAttr("data-artifact", "bin")))
	if len(art) != 1 || attr(art[0], "data-step") != "build" {
		t.Fatalf("want the artifact bin of build, got %d", len(art))
	}
	if rows := find(art[0], and(byTag("tr"), func(n *html.Node) bool { return n.Parent.Data == "tbody" })); len(rows) != 4 {
		t.Errorf("manifest table has %d rows, want 4", len(rows))
	}
}

func stepNames(rep *Report) []string {
	var names []string
	for _, s := range rep.Steps {
		names = append(names, s.Name)
	}
	return names
}

func parseHTML(t *testing.T, data []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	return doc
}

type match func(*html.Node) bool

// find returns the elements below n (n included) that m accepts, in
// document order.
func find(n *html.Node, m match) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && m(d) {
			out = append(out, d)
		}
	}
	if n.Type == html.ElementNode && m(n) {
		out = append([]*html.Node{n}, out...)
	}
	return out
}

func byTag(tag string) match         { return func(n *html.Node) bool { return n.Data == tag } }
func byID(id string) match           { return byAttr("id", id) }
func byClass(c string) match         { return func(n *html.Node) bool { return hasClass(n, c) } }
func byAttr(key, value string) match { return func(n *html.Node) bool { return attr(n, key) == value } }
func and(a, b match) match           { return func(n *html.Node) bool { return a(n) && b(n) } }
func hasClass(n *html.Node, c string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), c)
}
func attr(n *html.Node, key string) string { v, _ := attrOK(n, key); return v }

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// text is n's text content.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

type htmlNode = html.Node
