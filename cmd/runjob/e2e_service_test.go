package main

import (
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// webService is a busybox httpd serving a page, ready once it answers.
const webService = `
service "web" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /www && echo hello-from-web > /www/index.html && echo serving && exec httpd -f -p 8080 -h /www"]
  healthcheck {
    command  = ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
    interval = "1s"
    timeout  = "2s"
    retries  = 30
  }
}
`

const fetchSteps = `
step "fetch" {
  image      = "busybox:latest"
  depends_on = [service.web]
  command    = ["wget", "-qO-", "http://web:8080/"]
}
step "after" {
  image      = "busybox:latest"
  depends_on = [step.fetch]
  command    = ["echo", "no service needed"]
}
`

// A step reaches a service by its name over the run's network once the
// service's health check passes; the service's log is shown prefixed
// svc:NAME; the service, its container and the network are gone after the
// run (NoLeftovers checks containers, networks and volumes of the run).
func TestStepReachesServiceByName(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, webService+fetchSteps)
	r := runjob(t, nil, p)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"fetch   | hello-from-web", "svc:web | serving", "after   | no service needed"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, want := range []string{"service started", "service ready", "service stopped"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// A service that never becomes healthy, or exits, fails the steps that
// need it with the tail of its log; their dependents are skipped, steps
// that do not need it still run, and nothing is left behind.
func TestServiceThatNeverBecomesReady(t *testing.T) {
	dockertest.Engine(t)
	cases := map[string]struct{ service, want string }{
		"unhealthy": {`
service "web" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo warming up; echo still cold >&2; sleep 600"]
  healthcheck {
    command  = ["false"]
    interval = "1s"
    retries  = 2
  }
}`, `service "web" never became healthy (its health check kept failing); last lines of its log:`},
		"exits": {`
service "web" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo warming up; echo still cold >&2; exit 3"]
  healthcheck {
    command  = ["test", "-f", "/ready"]
    interval = "1s"
  }
}`, `service "web" exited with code 3 before it was ready; last lines of its log:`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := write(t, c.service+fetchSteps+`
step "independent" {
  image   = "busybox:latest"
  command = ["echo", "independent ran"]
}`)
			r := runjob(t, nil, p)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{c.want, "  warming up", "  still cold"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if !strings.Contains(r.stdout, "independent | independent ran") || strings.Contains(r.stdout, "no service needed") {
				t.Errorf("wrong steps ran:\n%s", r.stdout)
			}
		})
	}
}

// Two runs at once, each with a service named web: each run's step talks
// to its own service on its own network.
func TestConcurrentRunsWithSameServiceName(t *testing.T) {
	eng := dockertest.Engine(t)
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		page := []string{"first", "second"}[i]
		p := write(t, strings.Replace(webService, "hello-from-web", "page-"+page, 1)+fetchSteps)
		wg.Go(func() { results[i] = runjobNoCheck(p) })
	}
	wg.Wait()
	for i, r := range results {
		if r.runID != "" {
			dockertest.NoLeftovers(t, eng, r.runID)
		}
		want := "fetch   | page-" + []string{"first", "second"}[i]
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("run %d: exit %d, want %q in:\n%s\n%s", i, r.code, want, r.stdout, r.stderr)
		}
	}
	if results[0].runID == results[1].runID {
		t.Errorf("both runs have ID %s", results[0].runID)
	}
}

// Ctrl-C while a step uses a service: the service's container and the
// run's network are removed too (NoLeftovers, registered by waitFor), and
// runjob exits 130.
func TestInterruptRemovesServiceAndNetwork(t *testing.T) {
	proc := startClient(t)
	proc.signal(t, syscall.SIGINT)
	if code := proc.wait(t); code != 130 {
		t.Fatalf("exit %d, want 130\n%s", code, proc.stderr)
	}
}

// kill -9 leaves the service and the run's network behind; prune removes
// both (network after the containers on it).
func TestKill9ThenPruneRemovesServiceAndNetwork(t *testing.T) {
	proc := startClient(t)
	if err := proc.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	proc.wait(t)
	r := runjob(t, nil, "prune", "--run", proc.runID)
	if r.code != 0 || strings.Count(r.stdout, "removed container") != 2 || strings.Count(r.stdout, "removed network runjob-"+proc.runID) != 1 {
		t.Fatalf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertGone(t, proc.runID)
}

// startClient starts a run whose step fetches from the web service, then
// sleeps; it returns once the fetch succeeded.
func startClient(t *testing.T) *proc {
	t.Helper()
	dockertest.Engine(t)
	p := write(t, webService+`
step "client" {
  image      = "busybox:latest"
  depends_on = [service.web]
  command    = ["sh", "-c", "wget -qO- http://web:8080/; sleep 300"]
}`)
	proc := start(t, nil, p)
	proc.waitFor(t, "the step's fetch", output("client", "hello-from-web"))
	return proc
}

// A secret used only by a service is read when a step needs the service,
// reaches the service's env, and is masked in its log.
func TestServiceGetsSecret(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
secret "pw" {
  env = "RUNJOB_TEST_SERVICE_PW"
}
service "db" {
  image   = "busybox:latest"
  command = ["sh", "-c", "trap 'exit 0' TERM; echo password is $PW; sleep 600 & wait"]
  env     = { PW = secret.pw }
}
step "client" {
  image      = "busybox:latest"
  depends_on = [service.db]
  command    = ["sleep", "1"]
}`)
	if r := runjob(t, nil, p); r.code != 2 || !strings.Contains(r.stderr, `secret "pw" (needed by step "client")`) {
		t.Fatalf("without the secret: exit %d\n%s", r.code, r.stderr)
	}
	r := runjob(t, []string{"RUNJOB_TEST_SERVICE_PW=svc-Secret-123"}, p)
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, "svc-Secret-123") || !strings.Contains(r.stdout, "svc:db | password is ***") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
