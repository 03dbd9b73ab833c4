package hclconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
)

// buildTree writes a pipeline directory with app/Dockerfile and
// app/Dockerfile.test, and returns it.
func buildTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Dockerfile", "Dockerfile.test"} {
		if err := os.WriteFile(filepath.Join(dir, "app", name), []byte("FROM busybox:latest\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadIn(t *testing.T, dir, src string) (*pipeline.Graph, hcl.Diagnostics) {
	t.Helper()
	file := filepath.Join(dir, "p.hcl")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return New().Load(file)
}

// TestImageDecode checks an image block becomes a build node ahead of the
// steps, and that a step using it holds the placeholder and depends on it.
func TestImageDecode(t *testing.T) {
	dir := buildTree(t)
	g, diags := loadIn(t, dir, `
variable "version" { default = "1.2" }
step "test" {
  image   = image.app
  command = ["./run-tests"]
}
image "app" {
  context    = "./app"
  dockerfile = "Dockerfile.test"
  args       = { VERSION = var.version }
  target     = "test"
  tags       = ["myapp:dev"]
}
`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p := g.Pipeline()
	if len(p.Steps) != 2 || p.Steps[0].Name != "image.app" || p.Steps[1].Name != "test" {
		t.Fatalf("steps %v; want the build node first", []string{p.Steps[0].Name, p.Steps[1].Name})
	}
	b := p.Steps[0].Build
	want := pipeline.Build{Name: "app", Context: filepath.Join(dir, "app"), Within: dir, Dockerfile: "Dockerfile.test", Target: "test"}
	if b == nil || b.Name != want.Name || b.Context != want.Context || b.Within != want.Within || b.Dockerfile != want.Dockerfile ||
		b.Target != want.Target || b.Args["VERSION"] != "1.2" || len(b.Tags) != 1 || b.Tags[0] != "myapp:dev" {
		t.Fatalf("build %+v; want %+v with VERSION=1.2 and tag myapp:dev", b, want)
	}
	test := p.Steps[1]
	if test.Image != "<image:app>" {
		t.Errorf("image %q; want the placeholder", test.Image)
	}
	if deps := g.Deps(1); len(deps) != 1 || deps[0] != 0 {
		t.Errorf("deps %v; want the build node", deps)
	}
	if len(test.DependsOn) != 1 || test.DependsOn[0].Step != "image.app" {
		t.Errorf("DependsOn %+v", test.DependsOn)
	}
}

// TestImageDiagnostics checks bad image blocks and references are load
// errors at the attribute, with advice.
func TestImageDiagnostics(t *testing.T) {
	dir := buildTree(t)
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	step := "step \"s\" {\n  image = image.app\n}\n"
	cases := []struct{ name, src, want string }{
		{"missing context", `image "app" { context = "./nope" }` + "\n" + step, `p.hcl:1,25-33: Build context not found`},
		{"missing Dockerfile", `image "app" { context = "./empty" }` + "\n" + step, `p.hcl:1,25-34: Dockerfile not found`},
		{"named Dockerfile missing", `image "app" {
  context = "./app"
  dockerfile = "Nope"
}` + "\n" + step, `p.hcl:3,16-22: Dockerfile not found`},
		{"Dockerfile outside", `image "app" {
  context = "./app"
  dockerfile = "../p.hcl"
}` + "\n" + step, `Dockerfile outside the context`},
		{"context through a link out", `image "app" { context = "./out" }` + "\n" + step, `leads out of the pipeline directory`},
		{"unknown image", `image "app" { context = "./app" }
step "s" {
  image = image.apps
}`, `p.hcl:3,11-21: Unknown image; No image "apps" is declared; add an image "apps" { context = ... } block. Did you mean "app"?`},
		{"image in env", `image "app" { context = "./app" }
step "s" {
  image = "busybox"
  env = { X = image.app }
}`, `Built image misused`},
		{"image in a string", `image "app" { context = "./app" }
step "s" {
  image = "${image.app}-x"
}`, `Built image misused`},
		{"image in a service", `image "app" { context = "./app" }
service "db" { image = image.app }
` + step, `Image reference not allowed here`},
		{"bad tag", `image "app" {
  context = "./app"
  tags = ["UPPER:case"]
}` + "\n" + step, `Invalid tag`},
		{"duplicate", `image "app" { context = "./app" }
image "app" { context = "./app" }
` + step, `Duplicate image`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, diags := loadIn(t, dir, c.src)
			if g != nil || !diags.HasErrors() {
				t.Fatalf("loaded; want %q", c.want)
			}
			var msgs []string
			for _, d := range diags {
				msgs = append(msgs, d.Error())
			}
			if all := strings.Join(msgs, "\n"); !strings.Contains(all, c.want) {
				t.Errorf("diagnostics:\n%s\nwant %q", all, c.want)
			}
		})
	}
}

// A sensitive value passed as a build arg is warned about at the
// attribute: the image's history keeps it in clear. The warning names the
// arg, never the value.
func TestSensitiveBuildArgWarns(t *testing.T) {
	dir := buildTree(t)
	_, diags := loadIn(t, dir, `
variable "token" {
  sensitive = true
  default   = "tok-Build-9x"
}
image "app" {
  context = "./app"
  args    = { TOKEN = var.token, PLAIN = "1" }
}
step "test" {
  image = image.app
}
`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var found *hcl.Diagnostic
	for _, d := range diags {
		if d.Summary == "Sensitive build arg" {
			found = d
		}
	}
	if found == nil || found.Severity != hcl.DiagWarning || !strings.Contains(found.Detail, "TOKEN is sensitive") ||
		strings.Contains(found.Detail, "PLAIN") || strings.Contains(found.Detail, "tok-Build") || found.Subject.Start.Line != 8 {
		t.Fatalf("want one warning about TOKEN at line 8, got %v", diags)
	}
}
