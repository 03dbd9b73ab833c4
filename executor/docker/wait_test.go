package docker_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
)

// brokenWaitEngine is the real engine, except that the first wait of each
// container is answered with a 200 and an error in its body, as Podman 4.3
// under load sometimes does: before the container exits (early) or once
// it has (late).
func brokenWaitEngine(t *testing.T, early bool) string {
	t.Helper()
	var mu sync.Mutex
	broken := map[string]bool{}
	return tamperedEngine(t, func(proxy http.Handler, w http.ResponseWriter, r *http.Request) {
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
	})
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
