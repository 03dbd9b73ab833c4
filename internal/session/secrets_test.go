package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/pipeline"
)

// A file secret loses one trailing newline; empty and oversized values are
// refused with the reason; nothing is read for a step that is skipped.
func TestReadSecret(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) *pipeline.Secret {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return &pipeline.Secret{Name: name, File: p}
	}
	noEnv := func(string) (string, bool) { return "", false }
	if v, err := readSecret(file("nl", "line1\nline2\n"), noEnv); err != nil || v != "line1\nline2" {
		t.Errorf("trailing newline: %q, %v", v, err)
	}
	if v, err := readSecret(file("crlf", "tok\r\n"), noEnv); err != nil || v != "tok" {
		t.Errorf("CRLF: %q, %v", v, err)
	}
	for name, content := range map[string]string{"empty": "\n", "big": strings.Repeat("x", maxSecretSize+1)} {
		if _, err := readSecret(file(name, content), noEnv); err == nil {
			t.Errorf("%s file accepted", name)
		}
	}
	if _, err := readSecret(&pipeline.Secret{Name: "e", Env: "X"}, noEnv); err == nil || !strings.Contains(err.Error(), "X is not set") {
		t.Errorf("unset env: %v", err)
	}

	p := &pipeline.Pipeline{
		Secrets: []pipeline.Secret{{Name: "a", Env: "A"}},
		Steps:   []*pipeline.Step{{Name: "s", Image: "i", Skip: true, Env: map[string]string{"T": pipeline.SecretRef("a")}}},
	}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	if vals, err := readSecrets(g, noEnv); err != nil || len(vals) != 0 {
		t.Errorf("skipped step: %v, %v", vals, err)
	}
}
