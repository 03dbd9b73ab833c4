package layering

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/runjob/runjob"

// layers ranks every package of the module: a package may import only
// packages of a lower layer (and the standard library and third-party
// modules the rules below allow). A new package must be given a layer
// here, so where it sits is a decision, not an accident.
var layers = map[string]int{
	"schema/schematest":          1,
	"pipeline":                   0,
	"artifacts":                  0,
	"artifacts/ignore":           0,
	"mask":                       0,
	"internal/errkind":           0,
	"internal/bytesize":          0,
	"internal/goldenfile":        0,
	"internal/layering":          0,
	"schema":                     0,
	"pipeline/hclconfig":         1,
	"internal/stepcache":         1,
	"executor":                   2,
	"executor/docker":            3,
	"executor/fake":              3,
	"report":                     3,
	"executor/docker/dockertest": 4,
	"executor/swarm":             4,
	"internal/console":           4,
	"internal/inspect":           4,
	"internal/housekeeping":      4,
	"internal/history":           4,
	"internal/ps":                4,
	"internal/watch":             4,
	"internal/session":           5,
	"cmd/runjob":                 6,
	"bench":                      6,
	"internal/testrun":           6,
}

// stdlibOnly packages import nothing outside the standard library.
// (artifacts/ignore uses go-git's gitignore matcher, deliberately.)
var stdlibOnly = []string{"pipeline", "artifacts", "mask", "internal/errkind", "internal/bytesize", "schema", "internal/testrun"}

// dockerImporters are the only packages that may import executor/docker
// (outside their own tests): the CLI, which connects to the engine, the
// swarm engine, which drives each node's engine with it, and the test
// helpers that start engines.
var dockerImporters = []string{"cmd/runjob", "executor/swarm", "executor/docker/dockertest", "bench"}

// mobyImporters are the only packages that speak to moby: the Docker
// engine, the swarm engine (the swarm API: nodes, services, tasks) and the
// helpers that start engines.
var mobyImporters = []string{"executor/docker", "executor/swarm", "executor/docker/dockertest"}

type pkg struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func local(path string) (string, bool) {
	if path == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

func TestImportsPointDown(t *testing.T) {
	for _, v := range violations(packages(t)) {
		t.Error(v)
	}
}

// The rules catch what they are meant to catch.
func TestViolationsAreFound(t *testing.T) {
	pkgs := []pkg{
		{ImportPath: module + "/executor", Imports: []string{module + "/internal/session"}},
		{ImportPath: module + "/report", Imports: []string{module + "/executor/docker"}},
		{ImportPath: module + "/pipeline", Imports: []string{"github.com/hashicorp/hcl/v2"}},
		{ImportPath: module + "/internal/console", Imports: []string{module + "/internal/inspect", "github.com/moby/moby/client"}},
		{ImportPath: module + "/internal/newthing"},
	}
	got := strings.Join(violations(pkgs), "\n")
	for _, want := range []string{"executor (layer 2) imports internal/session", "report imports executor/docker",
		"pipeline imports github.com/hashicorp/hcl/v2", "internal/console (layer 4) imports internal/inspect (layer 4)",
		"internal/console imports github.com/moby/moby/client", "internal/newthing has no layer"} {
		if !strings.Contains(got, want) {
			t.Errorf("not caught: %s\ngot:\n%s", want, got)
		}
	}
}

func violations(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		name, _ := local(p.ImportPath)
		layer, known := layers[name]
		if !known {
			out = append(out, fmt.Sprintf("package %s has no layer in layering_test.go: decide where it sits", name))
			continue
		}
		for _, imp := range p.Imports {
			if v := violation(name, layer, imp); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

func violation(name string, layer int, imp string) string {
	dep, ok := local(imp)
	switch {
	case ok && dep == "executor/docker" && !slices.Contains(dockerImporters, name) && name != "executor/docker":
		return fmt.Sprintf("%s imports executor/docker: only %v may", name, dockerImporters)
	case ok && layers[dep] >= layer:
		return fmt.Sprintf("%s (layer %d) imports %s (layer %d): imports must point down", name, layer, dep, layers[dep])
	case !ok && strings.Contains(imp, ".") && slices.Contains(stdlibOnly, name):
		return fmt.Sprintf("%s imports %s: it may import only the standard library", name, imp)
	case !ok && strings.HasPrefix(imp, "github.com/moby/") && !slices.Contains(mobyImporters, name):
		return fmt.Sprintf("%s imports %s: only %v speak to moby", name, imp, mobyImporters)
	}
	return ""
}
