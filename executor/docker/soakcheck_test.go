package docker_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/executor"
)

// What one soak run must have produced: every line of every stream, in
// order, and every artifact with its manifest matching both the files on
// disk and the content the step was told to write.

// soakOutput checks lines as they arrive against the numbered lines each
// step prints, per step and stream.
type soakOutput struct {
	next     map[string]int // "<step> <stream>" -> last line number seen
	problems []string
}

func (o *soakOutput) output() executor.Output {
	o.next = map[string]int{}
	// The line output calls this one line at a time across all steps.
	return executor.NewLineOutput(0, func(step string, stream executor.Stream, line []byte) {
		tag := map[executor.Stream]string{executor.Stdout: "out", executor.Stderr: "err"}[stream]
		key := step + " " + tag
		want := fmt.Sprintf("%s %d", key, o.next[key]+1)
		if string(line) != want && len(o.problems) < 20 {
			o.problems = append(o.problems, fmt.Sprintf("%s: line %q, want %q", key, line, want))
		}
		o.next[key]++
	})
}

// check lists everything that is not as it must be after a run of steps
// exported under dir.
func (o *soakOutput) check(steps []*soakStep, res *executor.Result, dir string) []string {
	if len(res.Steps) != len(steps) {
		return []string{fmt.Sprintf("%d step results, want %d", len(res.Steps), len(steps))}
	}
	var problems []string
	for i, s := range steps {
		r := res.Steps[i]
		if r.Status != executor.StatusOK || len(r.Attempts) != 1 {
			problems = append(problems, fmt.Sprintf("%s: status %s after %d attempt(s): %v", s.name, r.Status, len(r.Attempts), r.Err))
			continue
		}
		if n := o.next[s.name+" out"]; n != s.out {
			problems = append(problems, fmt.Sprintf("%s: %d stdout lines, want %d", s.name, n, s.out))
		}
		if n := o.next[s.name+" err"]; n != s.err {
			problems = append(problems, fmt.Sprintf("%s: %d stderr lines, want %d", s.name, n, s.err))
		}
		if err := s.checkArtifact(r, dir); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.name, err))
		}
	}
	if err := checkExported(steps, dir); err != nil {
		problems = append(problems, err.Error())
	}
	for _, l := range res.Leftovers {
		problems = append(problems, fmt.Sprintf("leftover container %s of step %s: %v", l.Container, l.Step, l.Err))
	}
	// Wrong lines last: a failed step's own are expected to be off.
	return append(problems, o.problems...)
}

// checkArtifact checks the step's export: where it was written, that the
// manifest file matches both the result and the files (hashed again), and
// that it lists exactly the files the step wrote.
func (s *soakStep) checkArtifact(r *executor.StepResult, dir string) error {
	if len(s.files) == 0 {
		if len(r.Artifacts) != 0 {
			return fmt.Errorf("exported %d artifact(s), declared none", len(r.Artifacts))
		}
		return nil
	}
	if len(r.Artifacts) != 1 {
		return fmt.Errorf("exported %d artifact(s), want 1", len(r.Artifacts))
	}
	a := r.Artifacts[0]
	if want := filepath.Join(dir, s.name, "out"); a.Dir != want || a.ManifestFile != want+".manifest.json" {
		return fmt.Errorf("artifact at %s, manifest %s; want %s and its .manifest.json", a.Dir, a.ManifestFile, want)
	}
	m, err := artifacts.ReadManifest(a.ManifestFile)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(m, a.Manifest) {
		return fmt.Errorf("manifest file %s differs from the result's manifest", a.ManifestFile)
	}
	if err := artifacts.Verify(a.Dir, m); err != nil {
		return err
	}
	if got, want := withoutModes(m), s.manifest(); !reflect.DeepEqual(got, want) {
		return fmt.Errorf("manifest %v, want %v", got, want)
	}
	if a.Files != len(s.files) {
		return fmt.Errorf("artifact counted %d files, want %d", a.Files, len(s.files))
	}
	return nil
}

// manifest is what the step's artifact must hold, sorted by path, modes
// left out (they follow the engine's umask).
func (s *soakStep) manifest() artifacts.Manifest {
	m := artifacts.Manifest{{Path: "sub", Type: artifacts.TypeDir}}
	for _, f := range s.files {
		m = append(m, artifacts.ManifestEntry{Path: f.path, Type: artifacts.TypeFile, Size: int64(f.size), SHA256: f.sum})
	}
	return sortedManifest(m)
}

func withoutModes(m artifacts.Manifest) artifacts.Manifest {
	out := make(artifacts.Manifest, len(m))
	for i, e := range m {
		e.Mode = 0
		out[i] = e
	}
	return sortedManifest(out)
}

func sortedManifest(m artifacts.Manifest) artifacts.Manifest {
	slices.SortFunc(m, func(a, b artifacts.ManifestEntry) int { return strings.Compare(a.Path, b.Path) })
	return m
}

// checkExported checks that dir holds a directory for exactly the steps
// that declared an artifact.
func checkExported(steps []*soakStep, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var got, want []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	for _, s := range steps {
		if len(s.files) > 0 {
			want = append(want, s.name)
		}
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("%s holds %d step directories, want %d", dir, len(got), len(want))
	}
	return nil
}
