package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// The binary knows its version and the commit it was built from.
func TestVersion(t *testing.T) {
	r := runjob(t, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "runjob ") || !strings.Contains(r.stdout, " go1.") {
		t.Fatalf("--version: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	r = runjob(t, nil, "version", "--json")
	var v buildVersion
	if err := json.Unmarshal([]byte(r.stdout), &v); r.code != 0 || err != nil || v.Version == "" || v.GoVersion == "" {
		t.Fatalf("version --json: exit %d, %v: %q", r.code, err, r.stdout)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		if dockertest.Required() { // CI runs in a git clone
			t.Fatalf("git rev-parse HEAD: %v", err)
		}
		t.Skipf("not in a git checkout: %v", err)
	}
	if want := strings.TrimSpace(string(head)); v.Revision != want {
		t.Errorf("revision %q, want HEAD %q", v.Revision, want)
	}
	if len(v.Revision) < 12 || !strings.Contains(runjob(t, nil, "--version").stdout, v.Revision[:12]) {
		t.Error("--version does not name the revision")
	}
}
