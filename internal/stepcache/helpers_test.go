package stepcache

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func openStore(t testing.TB, dir string, o Options) *Store {
	t.Helper()
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// blob is one named blob of an entry a test stores.
type blob struct{ name, content string }

// put commits an entry of key with blobs and returns its meta.
func put(t testing.TB, s *Store, key string, m Meta, blobs ...blob) {
	t.Helper()
	p, err := s.Begin(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blobs {
		w, err := p.Create(b.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, b.content); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Commit(m); err != nil {
		t.Fatal(err)
	}
}

// readAll reads every blob of a hit; a read error is returned as is.
func readAll(e *Entry) (map[string]string, error) {
	out := map[string]string{}
	for _, name := range e.Blobs() {
		r, err := e.Blob(name)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		out[name] = string(b)
	}
	return out, nil
}

// get looks key up and reads it whole; nil on a miss.
func get(t testing.TB, s *Store, key string) map[string]string {
	t.Helper()
	e, err := s.Lookup(key)
	if err != nil {
		t.Fatalf("Lookup(%s): %v", key, err)
	}
	if e == nil {
		return nil
	}
	defer e.Close()
	got, err := readAll(e)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return got
}

// tampered asserts err is a *TamperedError whose reason contains want.
func tampered(t testing.TB, err error, want string) {
	t.Helper()
	var te *TamperedError
	if !errors.As(err, &te) {
		t.Fatalf("error = %v, want a *TamperedError", err)
	}
	if want != "" && !contains(te.Reason, want) {
		t.Fatalf("reason %q does not say %q", te.Reason, want)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func blobPath(s *Store, key string, i int) string {
	return filepath.Join(s.Dir(), entriesDir, key, "blobs", strconv.Itoa(i))
}

// tmpNames lists tmp/.
func tmpNames(t testing.TB, s *Store) []string {
	t.Helper()
	es, err := os.ReadDir(s.path(tmpDir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func data(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
