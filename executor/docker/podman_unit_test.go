package docker

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/jsonstream"

	"github.com/runjob/runjob/executor"
)

// Podman's archive names directories without the trailing slash; after
// slashDirs they read as dockerd's, and file contents pass unchanged.
func TestSlashDirsNamesDirectoriesAsDockerDoes(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "out", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "out/sub/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "out/sub/f.txt", Typeflag: tar.TypeReg, Mode: 0o644, Size: 3},
		{Name: "out/" + strings.Repeat("d", 99), Typeflag: tar.TypeDir, Mode: 0o755},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			_, _ = tw.Write([]byte("hi\n"))
		}
	}
	_ = tw.Close()
	tr := tar.NewReader(slashDirs(io.NopCloser(&buf)))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if b, _ := io.ReadAll(tr); h.Typeflag == tar.TypeReg && string(b) != "hi\n" {
			t.Errorf("%s: content %q", h.Name, b)
		}
	}
	want := "out/ out/sub/ out/sub/f.txt out/" + strings.Repeat("d", 99) + "/"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("entries = %s", got)
	}
}

// Podman ORs label filters on volume listings: hasLabels is the AND.
func TestHasLabelsWantsEveryLabel(t *testing.T) {
	have := map[string]string{"io.runjob.cache": "deps", "io.runjob.pipeline": "p1"}
	for _, c := range []struct {
		want map[string]string
		ok   bool
	}{
		{map[string]string{"io.runjob.cache": ""}, true},
		{map[string]string{"io.runjob.cache": "", "io.runjob.pipeline": "p1"}, true},
		{map[string]string{"io.runjob.cache": "", "io.runjob.pipeline": "p2"}, false},
		{map[string]string{"io.runjob.run-id": ""}, false},
	} {
		if got := hasLabels(have, c.want); got != c.ok {
			t.Errorf("hasLabels(%v) = %v, want %v", c.want, got, c.ok)
		}
	}
}

// Podman's stream: no byte counts, nothing after "Download complete".
func TestPullTrackerOnPodman(t *testing.T) {
	tr := pullTracker{podman: true}
	for _, m := range []jsonstream.Message{
		{Status: "Already exists", ID: "a"},
		{Status: "Pulling fs layer", ID: "b"},
		{Status: "Download complete", ID: "b"},
		{Status: "Pulling fs layer", ID: "c"},
	} {
		tr.update(m)
	}
	want := executor.PullProgress{Layers: 3, LayersDone: 2}
	if got := tr.progress(); got != want {
		t.Fatalf("progress = %+v, want %+v", got, want)
	}
}
