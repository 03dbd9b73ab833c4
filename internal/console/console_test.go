package console

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/pipeline/hclconfig"
)

// envOf is a LookupEnv over a fixed environment.
func envOf(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestResolveFormat(t *testing.T) {
	var buf bytes.Buffer
	gha := envOf("GITHUB_ACTIONS", "true")
	if got := resolve("auto", &buf, gha); got != "github" {
		t.Errorf("auto in GitHub Actions = %s", got)
	}
	if got := resolve("json", &buf, gha); got != "json" {
		t.Errorf("an explicit format changed to %s", got)
	}
	if got := resolve("auto", &buf, envOf("GITHUB_ACTIONS", "")); got != "plain" {
		t.Errorf("auto on a pipe = %s", got)
	}
}

// The registry is the one list of names: New builds each and rejects the
// rest, and the help names them all.
func TestRegistry(t *testing.T) {
	g, diags := hclconfig.New().Load(filepath.Join("testdata", "modes", "pipeline.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := strings.Join(Names(), " "); got != "auto tty plain json github" {
		t.Errorf("names %q", got)
	}
	for _, name := range Names() {
		v, err := New(name, Options{Graph: g, RunID: "r", Stdout: io.Discard, Stderr: io.Discard})
		if err != nil || v.Format == nil {
			t.Errorf("New(%q): %v", name, err)
			continue
		}
		v.Close()
		if !strings.Contains(Help(), name+" (") {
			t.Errorf("help lacks %s: %s", name, Help())
		}
	}
	if _, err := New("xml", Options{Graph: g, Stdout: io.Discard, Stderr: io.Discard}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("New(xml) = %v", err)
	}
}
