package docker_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/runjob/runjob/pipeline"
)

// The soak test's pipeline: a DAG generated from a seed, so every run (and
// every machine) runs the same one. Each step prints numbered lines to both
// streams, verifies inside its container the artifacts it takes as inputs,
// and may export an artifact of its own whose content the test knows.

// soakStep is one generated step and what it must print and export.
type soakStep struct {
	name     string
	deps     []int // indices of earlier steps
	out, err int   // lines printed to stdout and stderr
	files    []soakFile
}

// soakFile is one file of a step's artifact: its path is repeated, one per
// line, up to size bytes.
type soakFile struct {
	path string // relative to the artifact's root
	size int
	sum  string // sha256 of the content, hex
}

// soakSizes run from a byte to a MiB; odd ones end mid-line and mid-block.
var soakSizes = []int{1, 17, 4096, 65537, 300_000, 1 << 20}

// genSoak returns n steps in layers of n/10: a step depends on 1-3 steps of
// the two layers before its own, and one in two exports an artifact of 1-4
// files that every dependent takes as an input.
func genSoak(n int, seed uint64) []*soakStep {
	r := rand.New(rand.NewPCG(seed, seed))
	const layers = 10
	width := n / layers
	steps := make([]*soakStep, n)
	for i := range steps {
		s := &soakStep{name: fmt.Sprintf("s%03d", i), out: 1 + r.IntN(200), err: r.IntN(50)}
		if first := i / width * width; first > 0 {
			for range 1 + r.IntN(3) {
				d := first - 1 - r.IntN(min(first, 2*width))
				if !slices.Contains(s.deps, d) {
					s.deps = append(s.deps, d)
				}
			}
		}
		if r.IntN(10) == 0 {
			s.out = 3000 // a flood, to keep the demultiplexer busy
		}
		if r.IntN(2) == 0 {
			for j := range 1 + r.IntN(4) {
				f := soakFile{path: fmt.Sprintf("f%d.bin", j), size: soakSizes[r.IntN(len(soakSizes))]}
				if j%2 == 1 {
					f.path = "sub/" + f.path
				}
				sum := sha256.Sum256(f.content(s.name))
				f.sum = hex.EncodeToString(sum[:])
				s.files = append(s.files, f)
			}
		}
		steps[i] = s
	}
	return steps
}

// content is what `yes LINE | head -c SIZE` writes in the container.
func (f soakFile) content(step string) []byte {
	line := step + "/" + f.path + "\n"
	return []byte(strings.Repeat(line, f.size/len(line)+1)[:f.size])
}

// soakPipeline turns the generated steps into the model a loader would
// build: busybox steps whose inputs are their dependencies' artifacts.
func soakPipeline(steps []*soakStep) *pipeline.Pipeline {
	p := &pipeline.Pipeline{Name: "soak"}
	for _, s := range steps {
		ps := step(s.name, "sh", "-c", s.script(steps))
		for _, d := range s.deps {
			up := steps[d]
			ps.DependsOn = append(ps.DependsOn, pipeline.Dependency{Step: up.name})
			if len(up.files) > 0 {
				ps.Inputs = append(ps.Inputs, pipeline.Input{Name: "from_" + up.name,
					FromStep: up.name, FromArtifact: "out", To: "/in/" + up.name})
			}
		}
		if len(s.files) > 0 {
			ps.Artifacts = []pipeline.Artifact{{Name: "out", Path: "/out"}}
		}
		p.Steps = append(p.Steps, ps)
	}
	return p
}

// script checks the inputs (an input that arrived wrong fails the step),
// prints the numbered lines, interleaving the streams, and writes the
// artifact.
func (s *soakStep) script(all []*soakStep) string {
	var b strings.Builder
	b.WriteString("set -e\n")
	for _, d := range s.deps {
		up := all[d]
		if len(up.files) == 0 {
			continue
		}
		fail := fmt.Sprintf("{ echo '%s: input from %s is wrong' >&2; ls -lR /in/%[2]s >&2; exit 3; }", s.name, up.name)
		fmt.Fprintf(&b, "cd /in/%s\n[ \"$(find . -type f | wc -l)\" -eq %d ] || %s\n", up.name, len(up.files), fail)
		fmt.Fprintf(&b, "sha256sum -c -s - <<'EOF' || %s\n", fail)
		for _, f := range up.files {
			fmt.Fprintf(&b, "%s  %s\n", f.sum, f.path)
		}
		b.WriteString("EOF\n")
	}
	fmt.Fprintf(&b, "i=1; while [ $i -le %d ]; do\n", max(s.out, s.err))
	fmt.Fprintf(&b, "  [ $i -gt %d ] || echo \"%s out $i\"\n", s.out, s.name)
	fmt.Fprintf(&b, "  [ $i -gt %d ] || echo \"%s err $i\" >&2\n", s.err, s.name)
	b.WriteString("  i=$((i+1))\ndone\n")
	if len(s.files) > 0 {
		b.WriteString("mkdir -p /out/sub\n")
	}
	for _, f := range s.files {
		fmt.Fprintf(&b, "yes '%s/%s' | head -c %d > /out/%[2]s\n", s.name, f.path, f.size)
	}
	return b.String()
}
