package executor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/pipeline"
)

const treeFiles = 50

// writeTree makes a complete tree whose every file holds token.
func writeTree(t testing.TB, dir, token string) {
	t.Helper()
	for i := range treeFiles {
		p := filepath.Join(dir, fmt.Sprintf("d%d", i%5), fmt.Sprintf("f%02d", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(token), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readTree reads a tree through a root opened on it, so it reads one tree
// even if the name is swapped meanwhile; it returns the tokens it found.
func readTree(dir string) (map[string]int, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	tokens := map[string]int{}
	for i := range treeFiles {
		b, err := root.ReadFile(fmt.Sprintf("d%d/f%02d", i%5, i))
		if err != nil {
			return nil, err
		}
		tokens[string(b)]++
	}
	return tokens, nil
}

func TestSwapInReplacesTheWholeTree(t *testing.T) {
	for name, swap := range map[string]func(src, dest, aside string) (string, error){
		"exchange": swapIn, "aside": swapAside,
	} {
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			dest, src, aside := filepath.Join(tmp, "out"), filepath.Join(tmp, "new"), filepath.Join(tmp, "old")
			writeTree(t, dest, "old")
			if err := os.WriteFile(filepath.Join(dest, "stale"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			writeTree(t, src, "new")
			old, err := swap(src, dest, aside)
			if err != nil {
				t.Fatal(err)
			}
			if tokens, err := readTree(dest); err != nil || tokens["new"] != treeFiles {
				t.Fatalf("dest holds %v (%v), want only new", tokens, err)
			}
			if _, err := os.Stat(filepath.Join(dest, "stale")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a file of the old tree is still in dest: %v", err)
			}
			if tokens, err := readTree(old); err != nil || tokens["old"] != treeFiles {
				t.Errorf("old tree at %q holds %v (%v)", old, tokens, err)
			}
			// Nothing there yet: a plain rename, nothing to remove.
			fresh := filepath.Join(tmp, "fresh")
			writeTree(t, src, "new")
			if old, err := swap(src, fresh, aside+"2"); err != nil || old != "" {
				t.Errorf("swap into a missing dest: old %q, %v", old, err)
			}
		})
	}
}

// TestSwapInReadersSeeWholeTrees swaps generation after generation in
// while readers read: each reader sees one complete generation, never a
// mix, and (with an exchange) never a missing dest.
func TestSwapInReadersSeeWholeTrees(t *testing.T) {
	tmp := t.TempDir()
	dest := filepath.Join(tmp, "out")
	writeTree(t, dest, "gen0")
	exchanges := canExchange(t)
	const gens = 100
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				tokens, err := readTree(dest)
				if err != nil {
					if !exchanges && errors.Is(err, os.ErrNotExist) {
						continue // two renames: dest may be absent for an instant
					}
					errs <- err
					return
				}
				if len(tokens) != 1 {
					errs <- fmt.Errorf("a mix of generations: %v", tokens)
					return
				}
			}
		})
	}
	for g := 1; g <= gens; g++ {
		src := filepath.Join(tmp, fmt.Sprintf("new%d", g))
		writeTree(t, src, fmt.Sprintf("gen%d", g))
		// Old trees are kept, not removed, so a reader is never cut short.
		if _, err := swapIn(src, dest, filepath.Join(tmp, fmt.Sprintf("old%d", g))); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if tokens, _ := readTree(dest); tokens[fmt.Sprintf("gen%d", gens)] != treeFiles {
		t.Errorf("dest ends with %v", tokens)
	}
}

func TestLinkTreeKeepsTheTree(t *testing.T) {
	tmp := t.TempDir()
	src, dst := filepath.Join(tmp, "src"), filepath.Join(tmp, "dst")
	writeTree(t, src, "data")
	must(t, os.Symlink("/etc/passwd", filepath.Join(src, "escaping")))
	must(t, os.Symlink("d0/f00", filepath.Join(src, "inside")))
	must(t, os.Link(filepath.Join(src, "d0/f00"), filepath.Join(src, "hard")))
	must(t, os.WriteFile(filepath.Join(src, "ro"), []byte("x"), 0o400))
	must(t, os.Mkdir(filepath.Join(src, "empty"), 0o750))
	must(t, linkTree(src, dst))
	want, err := artifacts.ManifestOf(src)
	must(t, err)
	got, err := artifacts.ManifestOf(dst)
	must(t, err)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("linked tree differs:\n got %v\nwant %v", got, want)
	}
	a, _ := os.Stat(filepath.Join(src, "d1/f01"))
	b, _ := os.Stat(filepath.Join(dst, "d1/f01"))
	if !os.SameFile(a, b) {
		t.Error("a file was copied, not linked")
	}
	sa, _ := os.Stat(filepath.Join(src, "d2"))
	sb, _ := os.Stat(filepath.Join(dst, "d2"))
	if !sa.ModTime().Equal(sb.ModTime()) {
		t.Errorf("directory mtime %v, want %v", sb.ModTime(), sa.ModTime())
	}
}

// TestPublishManifestFollowsTheTree publishes the same artifact from many
// runs at once: the artifact ends complete, one run's, and its manifest
// describes exactly that tree; each run keeps its own private copy.
func TestPublishManifestFollowsTheTree(t *testing.T) {
	artDir := t.TempDir()
	dest := filepath.Join(artDir, "gen", "out")
	const runs = 8
	stages := make([]*stage, runs)
	var wg sync.WaitGroup
	for i := range runs {
		st := testStage(t, artDir, fmt.Sprintf("run%d", i), "gen", "out")
		stages[i] = st
		wg.Go(func() {
			private, err := st.path("gen", "out")
			if err != nil {
				t.Error(err)
				return
			}
			writeTree(t, private, fmt.Sprintf("run%d", i))
			m, err := artifacts.ManifestOf(private)
			if err == nil {
				err = st.publish("gen", "out", private, dest, dest+".manifest.json", m)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	tokens, err := readTree(dest)
	if err != nil || len(tokens) != 1 || !strings.HasPrefix(fmt.Sprint(tokens), "map[run") {
		t.Fatalf("dest holds %v (%v), want one run's tree", tokens, err)
	}
	got, err := artifacts.ReadManifest(dest + ".manifest.json")
	must(t, err)
	if err := artifacts.Verify(dest, got); err != nil {
		t.Errorf("the manifest does not describe the published tree: %v", err)
	}
	for i, st := range stages {
		private, ok := st.input("gen", "out")
		if !ok {
			t.Fatalf("run%d kept no private copy", i)
		}
		if tokens, err := readTree(private); err != nil || tokens[fmt.Sprintf("run%d", i)] != treeFiles {
			t.Errorf("run%d's own copy holds %v (%v)", i, tokens, err)
		}
		st.close()
	}
	if _, err := os.Stat(StagingDir(artDir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("staging left behind: %v", err)
	}
}

// canExchange reports whether this filesystem swaps names in one step.
func canExchange(t *testing.T) bool {
	a, b := t.TempDir(), t.TempDir()
	ok := exchange(a, b) == nil
	if !ok {
		t.Log("no RENAME_EXCHANGE here: the swap is two renames")
	}
	return ok
}

// testStage is newStage for a graph in which one step takes artifact
// step/artifact as input.
func testStage(t *testing.T, artDir, runID, step, artifact string) *stage {
	t.Helper()
	g, err := pipeline.NewGraph(&pipeline.Pipeline{Name: "p", Steps: []*pipeline.Step{
		{Name: step, Image: "busybox", Artifacts: []pipeline.Artifact{{Name: artifact, Path: "/out"}}},
		{Name: "use", Image: "busybox", Inputs: []pipeline.Input{{Name: "in", FromStep: step, FromArtifact: artifact, To: "/in"}}},
	}})
	must(t, err)
	return newStage(artDir, runID, g)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
