package docker_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
)

// brokenWaitEngine serves the real engine's API on a socket of its own,
// except that the first wait of each container is answered with a 200
// and an error in its body, as Podman 4.3 under load sometimes does:
// before the container exits (early) or once it has (late).
func brokenWaitEngine(t *testing.T, early bool) string {
	t.Helper()
	target := dockertest.EngineSocket()
	sock := filepath.Join(t.TempDir(), "wait.sock")
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
	var mu sync.Mutex
	broken := map[string]bool{}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/wait") && !broken[r.URL.Path]
		broken[r.URL.Path] = broken[r.URL.Path] || first
		mu.Unlock()
		if !first {
			proxy.ServeHTTP(w, r)
			return
		}
		// The header at once, as the engine sends it: the client returns
		// from ContainerWait only then, and starts the container after.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		if !early {
			// The real wait, until the exit; its answer is dropped.
			proxy.ServeHTTP(discardBody{}, r.Clone(context.WithoutCancel(r.Context())))
		}
		_, _ = w.Write([]byte("unexpected end of JSON input"))
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "unix://" + sock
}

// discardBody lets the proxy wait for the real answer without writing it.
type discardBody struct{}

func (discardBody) Header() http.Header         { return http.Header{} }
func (discardBody) WriteHeader(int)             {}
func (discardBody) Write(p []byte) (int, error) { return len(p), nil }

// A wait whose answer breaks off does not make an engine error of a step
// that ran its course: the container is inspected, and waited for again
// if it still runs; exit codes and output are the real ones.
func TestABrokenWaitIsCheckedAgainstTheContainer(t *testing.T) {
	for _, early := range []bool{false, true} {
		t.Run(map[bool]string{false: "after the exit", true: "while it runs"}[early], func(t *testing.T) {
			dockertest.Engine(t)
			eng, err := docker.New(client.WithHost(brokenWaitEngine(t, early)))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			res, err := execute(t, context.Background(), eng, []*pipeline.Step{
				step("ok", "sh", "-c", "sleep 0.3; echo done"),
				step("fails", "sh", "-c", "sleep 0.3; exit 3"),
			})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if got, want := statuses(res), "ok=ok fails=failed"; got != want {
				t.Fatalf("statuses = %s, want %s (%v)", got, want, res.Steps[1].Err)
			}
			if code := res.Steps[1].ExitCode; code != 3 {
				t.Errorf("fails: exit %d, want 3", code)
			}
		})
	}
}
