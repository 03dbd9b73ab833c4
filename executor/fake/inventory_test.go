package fake

import (
	"context"
	"errors"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
)

func kindsAndNames(rs []executor.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Kind+" "+r.Name)
	}
	return out
}

// What the engine creates is listed by label, containers first; a network
// or volume in use cannot go until its container has; removing twice is
// success.
func TestInventoryListsAndRemovesWhatItCreated(t *testing.T) {
	ctx := context.Background()
	e := New()
	run := map[string]string{executor.LabelRunID: "r1"}
	netID, err := e.CreateNetwork(ctx, "n", run)
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.Create(ctx, &executor.ContainerSpec{Name: "c", Labels: run, Network: netID,
		Mounts: []executor.Mount{{Volume: "v", Target: "/v", Labels: run}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Create(ctx, &executor.ContainerSpec{Name: "other", Labels: map[string]string{executor.LabelRunID: "r2"}}); err != nil {
		t.Fatal(err)
	}
	rs, err := e.Resources(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	got := kindsAndNames(rs)
	want := []string{"container c", "network net-n", "volume v"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("resources = %v, want %v", got, want)
	}
	if rs[0].ID != id || rs[0].Labels[executor.LabelRunID] != "r1" || rs[0].Created.IsZero() {
		t.Errorf("container = %+v", rs[0])
	}
	if all, _ := e.Resources(ctx, map[string]string{executor.LabelRunID: ""}); len(all) != 4 {
		t.Errorf("an empty label value matches any: %v", kindsAndNames(all))
	}
	for _, r := range rs[1:] {
		if err := e.RemoveResource(ctx, r); !cerrdefs.IsConflict(err) {
			t.Errorf("remove %s in use = %v, want a conflict", r.Name, err)
		}
	}
	for _, r := range append(rs, rs...) {
		if err := e.RemoveResource(ctx, r); err != nil {
			t.Errorf("remove %s: %v", r.Name, err)
		}
	}
	if left, _ := e.Resources(ctx, run); len(left) != 0 {
		t.Errorf("left after removal: %v", kindsAndNames(left))
	}
	if err := e.RemoveResource(ctx, executor.Resource{Kind: "pod", ID: "x"}); err == nil {
		t.Error("an unknown kind is an error")
	}
}

// Staged resources keep their labels and creation time; caches are the
// volumes labelled as caches, with their sizes; FailList fails listings.
func TestInventoryStagedResourcesAndCaches(t *testing.T) {
	ctx := context.Background()
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	e := New().
		AddResource(executor.Resource{Kind: executor.ResourceContainer, Name: "dead", Created: old,
			Labels: map[string]string{executor.LabelRunID: "gone"}}).
		AddResource(executor.Resource{Kind: executor.ResourceVolume, ID: "cv", Name: "cv", Created: old,
			Labels: map[string]string{executor.LabelCache: "deps", executor.LabelPipeline: "p"}}).
		AddResource(executor.Resource{Kind: executor.ResourceVolume, ID: "cw", Name: "cw",
			Labels: map[string]string{executor.LabelCache: "deps", executor.LabelPipeline: "q"}}).
		SetSize("cv", 1234)
	rs, err := e.Resources(ctx, map[string]string{executor.LabelRunID: ""})
	if err != nil || len(rs) != 1 || rs[0].Name != "dead" || !rs[0].Created.Equal(old) || rs[0].ID == "" {
		t.Fatalf("resources = %+v, %v", rs, err)
	}
	cs, err := e.Caches(ctx, "p")
	if err != nil || len(cs) != 1 {
		t.Fatalf("caches of p = %+v, %v", cs, err)
	}
	if c := cs[0]; c.Name != "cv" || c.Pipeline != "p" || c.Cache != "deps" || c.Size != 1234 || !c.Created.Equal(old) {
		t.Errorf("cache = %+v", c)
	}
	if all, _ := e.Caches(ctx, ""); len(all) != 2 || all[1].Size != -1 {
		t.Errorf("all caches = %+v", all)
	}
	boom := errors.New("boom")
	e.FailList(boom)
	if _, err := e.Resources(ctx, nil); !errors.Is(err, boom) {
		t.Errorf("Resources = %v, want boom", err)
	}
	if _, err := e.Caches(ctx, ""); !errors.Is(err, boom) {
		t.Errorf("Caches = %v, want boom", err)
	}
}
