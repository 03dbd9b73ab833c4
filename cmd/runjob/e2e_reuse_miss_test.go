package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

const reuseMissPipeline = `
variable "img"  { default = "busybox:latest" }
variable "word" { default = "a" }
variable "val"  { default = "1" }
secret "tok" { env = "REUSE_TOK" }
pipeline { reuse = true }

step "build" {
  image = var.img
  env   = { VAL = var.val, TOK = secret.tok }
  input "src" {
    from = "src"
    to   = "/src"
  }
  command = ["sh", "-c", "mkdir -p /out && cat /src/* > /out/all && echo $VAL > /out/val && echo word ${var.word}"]
  artifact "dist" { path = "/out" }
}

step "test" {
  image = "busybox:latest"
  input "dist" {
    from = step.build.artifact.dist
    to   = "/dist"
  }
  command = ["sh", "-c", "cat /dist/all /dist/val"]
}
`

// Each part of the key, changed alone, runs the step again and names the
// part; a dependent runs again only when what it takes changed.
func TestE2EReuseMissForEachPart(t *testing.T) {
	p := newReuseProject(t, reuseMissPipeline, map[string]string{"src/a.txt": "hello\n"})
	tok := []string{"REUSE_TOK=tok-Ab3x9"}
	tag := fmt.Sprintf("runjob-reuse-test-%d:moving", os.Getpid())
	retag(t, "busybox:latest", tag)
	t.Cleanup(func() { dockertest.RemoveImage(tag) })
	if r := p.run(tok); r.code != 0 || r.statuses() != "build=ok test=ok" {
		t.Fatalf("first run: %s\n%s", r.statuses(), r.stderr)
	}
	labelled := buildLabelled(t)
	cases := []struct {
		name, want, why string
		env             []string
		args            []string
		before          func()
	}{
		{name: "nothing", want: "build=reused test=reused"},
		{name: "same image ID under another tag", want: "build=reused test=reused", args: []string{"--var", "img=" + tag}},
		{name: "image", want: "build=ok test=reused", why: "image changed", args: []string{"--var", "img=" + tag},
			before: func() { retag(t, labelled, tag) }},
		{name: "command", want: "build=ok test=reused", why: "command changed", args: []string{"--var", "word=b"}},
		{name: "env", want: "build=ok test=ok", why: "env VAL changed", args: []string{"--var", "val=2"}},
		{name: "secret", want: "build=ok test=reused", why: "env TOK changed", env: []string{"REUSE_TOK=tok-Zq7w1"}},
		{name: "input byte", want: "build=ok test=ok", why: "input src changed",
			before: func() { p.writeFile("src/a.txt", "hellO\n") }},
	}
	// Each case changes one thing more than the one before.
	env, args := tok, []string{"--var", "img=busybox:latest"}
	for _, c := range cases {
		if c.before != nil {
			c.before()
		}
		if c.env != nil {
			env = c.env
		}
		if c.args != nil {
			args = append(args, c.args...)
		}
		r := p.run(env, args...)
		if r.code != 0 || r.statuses() != c.want {
			t.Fatalf("%s: %s, want %s\n%s", c.name, r.statuses(), c.want, r.stdout)
		}
		if c.why != "" && !notReused(t, r, "build", c.why) {
			t.Errorf("%s: the log does not say %q:\n%s", c.name, c.why, r.stdout)
		}
		if strings.Contains(c.want, "test=ok") && !notReused(t, r, "test", "input dist changed") {
			t.Errorf("%s: the log does not say test's input changed:\n%s", c.name, r.stdout)
		}
		if strings.Contains(r.stdout+r.stderr, "tok-") {
			t.Errorf("%s: the secret's value shows:\n%s", c.name, r.stdout)
		}
	}
}

// notReused reports whether the run logged that step was not reused
// because of why (and nothing else).
func notReused(t *testing.T, r reuseRun, step, why string) bool {
	for _, ev := range events(t, r.stdout) {
		msg, _ := ev["message"].(string)
		if ev["step"] == step && strings.HasPrefix(msg, "not reused: "+why+" (since run ") {
			return true
		}
	}
	return false
}

// retag points tag at image.
func retag(t *testing.T, image, tag string) {
	t.Helper()
	if out, err := exec.Command("docker", "tag", image, tag).CombinedOutput(); err != nil {
		t.Fatalf("docker tag: %v\n%s", err, out)
	}
}

// buildLabelled builds busybox with a label of its own (another image ID),
// removed when the test ends, and returns its ID.
func buildLabelled(t *testing.T) string {
	t.Helper()
	ctx := t.TempDir()
	df := fmt.Sprintf("FROM busybox:latest\nLABEL org.example.runjob-reuse-test=%d-%s\n", os.Getpid(), t.Name())
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("docker", "build", "-q", ctx).Output()
	if err != nil {
		t.Fatalf("docker build: %v", err)
	}
	id := strings.TrimSpace(string(out))
	t.Cleanup(func() { dockertest.RemoveImage(id) })
	return id
}
