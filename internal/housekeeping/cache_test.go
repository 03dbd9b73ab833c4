package housekeeping

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/internal/errkind"
)

// cacheEngine has two caches of pipeline p (deps, sized; tools, unsized)
// and one of q, all created at created.
func cacheEngine(created time.Time) *fake.Engine {
	e := fake.New()
	for _, c := range []struct{ pipeline, cache string }{{"p", "deps"}, {"p", "tools"}, {"q", "deps"}} {
		v := executor.CacheVolume(c.pipeline, c.cache)
		e.AddResource(executor.Resource{Kind: executor.ResourceVolume, ID: v, Name: v, Created: created,
			Labels: map[string]string{executor.LabelCache: c.cache, executor.LabelPipeline: c.pipeline}})
	}
	return e.SetSize(executor.CacheVolume("p", "deps"), 100000)
}

// ls shows a pipeline's caches with their size ("?" when the engine did
// not say) and last use: the lock's time once used, else the creation.
func TestListCaches(t *testing.T) {
	created := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	e := cacheEngine(created)
	locks := CacheLocks{Dir: t.TempDir()}
	unlock, err := locks.Lock(context.Background(), executor.CacheVolume("p", "deps"))
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	used := locks.LastUse(executor.CacheVolume("p", "deps")).Local().Truncate(time.Second)
	var out bytes.Buffer
	if err := ListCaches(context.Background(), e, CacheOptions{Pipeline: "p", Stdout: &out, Stderr: &out, Locks: locks}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || strings.Fields(lines[0])[0] != "PIPELINE" {
		t.Fatalf("want a header and 2 caches:\n%s", out.String())
	}
	want := [][]string{
		{"p", "deps", bytesize.Format(100000), used.Format(time.RFC3339), executor.CacheVolume("p", "deps")},
		{"p", "tools", "?", created.Local().Format(time.RFC3339), executor.CacheVolume("p", "tools")},
	}
	for i, w := range want {
		if got := strings.Join(strings.Fields(lines[i+1]), " "); got != strings.Join(w, " ") {
			t.Errorf("row %d = %q, want %q", i, got, strings.Join(w, " "))
		}
	}
}

// prune --older-than spares a cache used recently and removes one unused
// for longer, with its lock file; --dry-run removes nothing.
func TestPruneCachesOlderThanAndDryRun(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	e := cacheEngine(now.Add(-48 * time.Hour))
	locks := CacheLocks{Dir: t.TempDir()}
	unlock, err := locks.Lock(ctx, executor.CacheVolume("p", "deps"))
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	var out bytes.Buffer
	o := CacheOptions{Pipeline: "p", OlderThan: 24 * time.Hour, DryRun: true, Stdout: &out, Stderr: &out, Locks: locks,
		Now: func() time.Time { return now.Add(time.Hour) }}
	if err := PruneCaches(ctx, e, o); err != nil {
		t.Fatal(err)
	}
	if out.String() != "would remove cache tools of pipeline p (volume "+executor.CacheVolume("p", "tools")+")\ncache prune: would remove 1\n" {
		t.Errorf("dry run:\n%s", out.String())
	}
	if cs, _ := e.Caches(ctx, ""); len(cs) != 3 {
		t.Fatalf("dry run removed: %+v", cs)
	}
	out.Reset()
	o.DryRun = false
	o.Now = func() time.Time { return now.Add(25 * time.Hour) } // deps' last use is 25h ago too
	if err := PruneCaches(ctx, e, o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "removed cache deps of pipeline p") || !strings.HasSuffix(out.String(), "cache prune: removed 2\n") {
		t.Errorf("prune:\n%s", out.String())
	}
	if cs, _ := e.Caches(ctx, ""); len(cs) != 1 || cs[0].Pipeline != "q" {
		t.Errorf("left: %+v", cs)
	}
	if _, err := os.Stat(locks.path(executor.CacheVolume("p", "deps"))); !os.IsNotExist(err) {
		t.Errorf("the removed cache's lock file is still there: %v", err)
	}
}

// A cache in use is kept and reported, and the prune is engine trouble; so
// is a listing that fails.
func TestPruneCachesInUse(t *testing.T) {
	ctx := context.Background()
	e := cacheEngine(time.Now())
	if _, err := e.Create(ctx, &executor.ContainerSpec{Name: "user", Mounts: []executor.Mount{{Volume: executor.CacheVolume("q", "deps"), Target: "/c"}}}); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := PruneCaches(ctx, e, CacheOptions{Stdout: &out, Stderr: &errOut, Locks: CacheLocks{Dir: t.TempDir()}})
	if errkind.Of(err) != errkind.Engine {
		t.Fatalf("prune = %v, want an engine error", err)
	}
	if !strings.Contains(errOut.String(), "runjob: could not remove cache deps of pipeline q") || !strings.Contains(out.String(), "cache prune: removed 2\n") {
		t.Errorf("stdout:\n%sstderr:\n%s", out.String(), errOut.String())
	}
	e.FailList(errBoom)
	if err := ListCaches(ctx, e, CacheOptions{Stdout: &out, Stderr: &out}); errkind.Of(err) != errkind.Engine {
		t.Errorf("ls on a failing engine = %v, want an engine error", err)
	}
}

// nodeCaches is an Inventory whose caches live on nodes, as a cluster
// engine's do.
type nodeCaches struct{ executor.Inventory }

func (nodeCaches) Caches(context.Context, string) ([]executor.Cache, error) {
	return []executor.Cache{
		{Name: "runjob-cache-p-deps", Pipeline: "p", Cache: "deps", Size: -1, Node: "rj-n1"},
		{Name: "runjob-cache-p-deps", Pipeline: "p", Cache: "deps", Size: -1, Node: "rj-n3"},
	}, nil
}

// On a cluster engine, ls says which node holds each cache (one may be
// held by two); on one engine there is no such column.
func TestListCachesNamesTheirNodes(t *testing.T) {
	var out bytes.Buffer
	if err := ListCaches(context.Background(), nodeCaches{}, CacheOptions{Stdout: &out, Locks: CacheLocks{Dir: t.TempDir()}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "VOLUME               NODE") ||
		!strings.HasSuffix(lines[1], "rj-n1") || !strings.HasSuffix(lines[2], "rj-n3") {
		t.Fatalf("ls:\n%s", out.String())
	}
	out.Reset()
	if err := ListCaches(context.Background(), cacheEngine(time.Now()), CacheOptions{Stdout: &out, Locks: CacheLocks{Dir: t.TempDir()}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "NODE") {
		t.Errorf("one engine's ls has a NODE column:\n%s", out.String())
	}
}
