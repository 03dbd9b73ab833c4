package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	mdLink    = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	mdHeading = regexp.MustCompile(`(?m)^#+ (.*)$`)
)

// Every relative link in the README, docs/ and the other top-level pages
// points at a file that exists, and every #anchor at a heading of its page.
func TestDocsLinksResolve(t *testing.T) {
	pages := append(manualFiles(t), "../../ARCHITECTURE.md", "../../BENCHMARKS.md", "../../RELIABILITY.md")
	checked := 0
	for _, page := range pages {
		for _, m := range mdLink.FindAllStringSubmatch(markdownText(t, page), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := page
			if file != "" {
				path = filepath.Join(filepath.Dir(page), file)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s: link %q: %v", page, target, err)
				continue
			}
			if anchor != "" && !hasAnchor(t, path, anchor) {
				t.Errorf("%s: link %q: no heading %q in %s", page, target, anchor, path)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d links checked", checked)
	}
}

// markdownText is a page without its fenced code blocks, where [x](y)
// and # are code.
func markdownText(t *testing.T, page string) string {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	fenced := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			out.WriteString(line + "\n")
		}
	}
	return out.String()
}

// hasAnchor reports whether a heading of page has the GitHub anchor a.
func hasAnchor(t *testing.T, page, a string) bool {
	if !strings.HasSuffix(page, ".md") {
		return false
	}
	seen := map[string]int{}
	for _, m := range mdHeading.FindAllStringSubmatch(markdownText(t, page), -1) {
		s := slug(m[1])
		if n := seen[s]; n > 0 {
			seen[s]++
			s = fmt.Sprintf("%s-%d", s, n)
		} else {
			seen[s] = 1
		}
		if s == a {
			return true
		}
	}
	return false
}

// slug is GitHub's anchor for a heading: lower case, punctuation dropped,
// spaces as hyphens.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}
