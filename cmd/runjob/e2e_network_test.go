package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// showLinks prints the container's interfaces on one line, "links: lo"
// or "links: lo eth0" (ip's "eth0@if12" cut at the @).
const showLinks = `echo "links:$(ip -o link | cut -d: -f2 | cut -d@ -f1 | tr -d '\n')"`

// A step on network "none" has loopback only; a step beside it that sets
// nothing has the default bridge's interface as well.
func TestNetworkNoneHasOnlyLoopback(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "sealed" {
  image   = "busybox:latest"
  network = "none"
  script  = "`+strings.ReplaceAll(showLinks, `"`, `\"`)+`"
}
step "open" {
  image  = "busybox:latest"
  script = "`+strings.ReplaceAll(showLinks, `"`, `\"`)+`"
}
`)
	r := runjob(t, nil, p)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"sealed | links: lo\n", "open   | links: lo eth0\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// The pipeline's network = "none" applies to every step that sets none;
// steps that ask for "bridge" again reach the service. The hermetic step
// runs between two users of the service, so the service is up, and it
// still reaches it neither by name (no DNS) nor by address (no route).
func TestNetworkNonePipelineDefaultCannotReachService(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
pipeline { network = "none" }
service "web" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /www && hostname -i > /www/index.html && exec httpd -f -p 8080 -h /www"]
  healthcheck {
    command  = ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
    interval = "1s"
    retries  = 30
  }
}
step "first" {
  image      = "busybox:latest"
  network    = "bridge"
  depends_on = [service.web]
  script     = <<-EOT
    ip=$(wget -qO- http://web:8080/)
    echo "reached web at $ip"
    echo "ip=$ip" >> "$RUNJOB_OUTPUT"
  EOT
}
step "hermetic" {
  image  = "busybox:latest"
  script = <<-EOT
    `+showLinks+`
    wget -q -T 2 -O- http://web:8080/ 2>&1 || echo "web: not by name"
    wget -q -T 2 -O- http://${step.first.output.ip}:8080/ 2>&1 || echo "web: not by address"
  EOT
}
step "last" {
  image      = "busybox:latest"
  network    = "bridge"
  depends_on = [step.hermetic, service.web]
  script     = <<-EOT
    `+showLinks+`
    echo "still up at $(wget -qO- http://web:8080/)"
  EOT
}
`)
	r := runjob(t, nil, p)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	addr := regexp.MustCompile(`first +\| reached web at ([0-9.]+)\n`).FindStringSubmatch(r.stdout)
	if addr == nil {
		t.Fatalf("first did not reach web:\n%s", r.stdout)
	}
	for _, want := range []string{
		"hermetic | links: lo\n", "hermetic | web: not by name", "hermetic | web: not by address",
		"last     | links: lo eth0\n", "last     | still up at " + addr[1],
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// A step on "none" that needs a service is refused at load, before any
// container, naming the service.
func TestNetworkNoneWithServiceIsALoadError(t *testing.T) {
	p := write(t, webService+`
step "s" {
  image      = "busybox:latest"
  network    = "none"
  depends_on = [service.web]
}
`)
	r := runjob(t, nil, "validate", p)
	if r.code != 2 || !strings.Contains(r.stderr, `Service on no network`) || !strings.Contains(r.stderr, `needs service "web"`) {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
