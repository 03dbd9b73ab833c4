package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// report.json reads back into the same Report, manifests included.
func TestJSONRoundTrip(t *testing.T) {
	root := t.TempDir()
	rep := recordFixture(t, root)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(rep.Dir, "again.json")
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, rep) {
		t.Errorf("round trip changed the report:\n got %+v\nwant %+v", back, rep)
	}
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// Every key is snake_case and the arrays are never null.
func TestJSONSchemaShape(t *testing.T) {
	rep := recordFixture(t, t.TempDir())
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !snakeCase.MatchString(k) {
					t.Errorf("%s.%s: key is not snake_case", path, k)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("", doc)
	for _, key := range []string{"depends_on", "attempts", "artifacts"} {
		if strings.Contains(buf.String(), `"`+key+`": null`) {
			t.Errorf("%s is null somewhere; arrays must be [] when empty", key)
		}
	}
	step := doc.(map[string]any)["steps"].([]any)[2].(map[string]any)
	entry := step["artifacts"].([]any)[0].(map[string]any)["manifest"].([]any)[1].(map[string]any)
	for _, key := range []string{"path", "type", "size", "mode", "sha256"} {
		if _, ok := entry[key]; !ok {
			t.Errorf("manifest entry lacks %q: %v", key, entry)
		}
	}
}

func TestReadFileRefusesNewerSchema(t *testing.T) {
	name := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(name, []byte(`{"schema": 99, "run_id": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(name); err == nil || !strings.Contains(err.Error(), "schema 99") {
		t.Errorf("ReadFile = %v, want an error naming schema 99", err)
	}
}
