package docker_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
)

// tamperedEngine serves the real engine's API on a unix socket of its own,
// each request going to serve with a proxy to the real engine (attach
// upgrades pass through httputil.ReverseProxy), so that a test can make
// the engine misbehave in one way; it returns the socket's DOCKER_HOST.
func tamperedEngine(t *testing.T, serve func(proxy http.Handler, w http.ResponseWriter, r *http.Request)) string {
	t.Helper()
	target := dockertest.EngineSocket()
	sock := filepath.Join(t.TempDir(), "engine.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.Out.URL.Scheme, r.Out.URL.Host = "http", "docker" },
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", target)
		}},
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(proxy, w, r) })}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "unix://" + sock
}

// stallingEngine is the real engine, except that it never answers a POST
// whose path ends with stall (a container start or create): a daemon stuck
// in its network controller behaves so (it still answers pings).
func stallingEngine(t *testing.T, stall string) string {
	t.Helper()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	return tamperedEngine(t, func(proxy http.Handler, w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, stall) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		proxy.ServeHTTP(w, r)
	})
}

// runStalled runs s and next (after s) through stallingEngine(stall) with
// a 2 s call bound, and returns how the run ended, which must be a
// StuckError naming what stalled. The deadline only keeps a hang from
// wedging the test.
func runStalled(t *testing.T, stall string) *executor.Result {
	t.Helper()
	dockertest.Engine(t)
	eng, err := docker.New(client.WithHost(stallingEngine(t, stall)))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	eng.CallTimeout = 2 * time.Second
	var res *executor.Result
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err = execute(t, context.Background(), eng, []*pipeline.Step{
			step("s", "true"), after(step("next", "true"), "s"),
		})
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the run hung on a stalled %s", stall)
	}
	var stuck *docker.StuckError
	if !errors.As(err, &stuck) || !cerrdefs.IsUnavailable(err) || !strings.Contains(err.Error(), "within 2s") {
		t.Fatalf("Run error = %v, want a stuck engine", err)
	}
	if got, want := statuses(res), "s=error next=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	// On Docker 20.10 the message names the deadlock that most likely
	// stopped it; on any other engine (Podman's) it does not.
	version, _, verr := eng.ServerVersion(context.Background())
	if verr != nil {
		t.Fatal(verr)
	}
	if hint := strings.Contains(err.Error(), "moby/moby#42545"); hint != strings.HasPrefix(version, "20.10.") {
		t.Errorf("engine %s, message %q: the deadlock hint is wrong", version, err)
	}
	return res
}

func TestStuckErrorNamesTheDeadlockOn2010(t *testing.T) {
	e := &docker.StuckError{Host: "unix:///var/run/docker.sock", Op: "starting container abc", After: time.Minute, Version: "20.10.24+dfsg1"}
	want := "the Docker engine at unix:///var/run/docker.sock did not finish starting container abc within 1m0s: it answers pings but is stuck; restarting dockerd may help" +
		" (on Docker 20.10.24+dfsg1 this is most likely its network controller's deadlock when containers on one network exit at once, moby/moby#42545: only a restart ends it, and Engine 23.0 or later is free of it)"
	if e.Error() != want {
		t.Errorf("20.10:\n got %q\nwant %q", e.Error(), want)
	}
	e.Version = "24.0.7"
	if strings.Contains(e.Error(), "#42545") {
		t.Errorf("24.0: %q", e.Error())
	}
}

// A daemon that answers pings but never finishes a start ends the run with
// an engine error that says so, instead of hanging it; the container that
// never started is removed all the same.
func TestStuckStartEndsTheRun(t *testing.T) {
	res := runStalled(t, "/start")
	if msg := res.Steps[0].Err.Error(); !strings.Contains(msg, "did not finish starting container") {
		t.Errorf("message = %q", msg)
	}
	if len(res.Leftovers) > 0 {
		t.Errorf("leftovers %+v: removal goes through a stuck engine's proxy too", res.Leftovers)
	}
}

// A create that never returns ends the run the same way, and promptly: the
// container it may have made is reported for prune, not removed through the
// stuck engine (each try would wait out its timeout).
func TestStuckCreateEndsTheRun(t *testing.T) {
	res := runStalled(t, "/containers/create")
	if msg := res.Steps[0].Err.Error(); !strings.Contains(msg, "did not finish creating container") {
		t.Errorf("message = %q", msg)
	}
	// s's create, and next's when it was created ahead (prepare.go) before
	// the run ended, are reported.
	var reported bool
	for _, l := range res.Leftovers {
		reported = reported || l.Step == "s"
		if l.Step != "s" && l.Step != "next" {
			t.Errorf("unexpected leftover %+v", l)
		}
	}
	if !reported {
		t.Errorf("leftovers %+v, want s's container reported", res.Leftovers)
	}
}
