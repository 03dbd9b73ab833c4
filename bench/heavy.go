package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// 200 MB in 2,000,000 lines of exactly 100 bytes, so runjob's output can be
// checked byte for byte: every line comes back as "s | " + the line.
const (
	outBytes = 200_000_000
	outLine  = 100
)

var bigOutputCmd = fmt.Sprintf("yes %s | head -c %d", strings.Repeat("x", outLine-1), outBytes)

func bigOutput() scenario {
	return scenario{
		name: "200 MB stdout", target: "<= 0.2x, byte-exact", heavy: true,
		baseline: func(*env) error { return docker("run", "--rm", image, "sh", "-c", bigOutputCmd) },
		runjob: func(e *env) (sample, error) {
			p := e.pipelineFile("output", fmt.Sprintf("step \"s\" {\n  image = %q\n  command = [\"sh\", \"-c\", %q]\n}\n", image, bigOutputCmd))
			return runRunjob(e, exactOutput, p)
		},
	}
}

// exactOutput checks every byte the step printed came through, in order.
func exactOutput(r io.Reader) error {
	want := "s | " + strings.Repeat("x", outLine-1)
	br := bufio.NewReaderSize(r, 1<<20)
	lines, bytes := 0, 0
	for {
		line, err := br.ReadString('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		bytes += len(line)
		if strings.TrimSuffix(line, "\n") != want {
			return fmt.Errorf("line %d is %q", lines+1, tail(line, 120))
		}
		lines++
	}
	if lines != outBytes/outLine || bytes != lines*(outLine+4) {
		return fmt.Errorf("got %d lines, %d bytes; want %d lines of %d bytes", lines, bytes, outBytes/outLine, outLine+4)
	}
	return nil
}

const gib = 1 << 30

var bigFileCmd = fmt.Sprintf("mkdir -p /out && head -c %d /dev/zero > /out/big.bin", gib)

// bigArtifact exports 1 GiB; the baseline makes the same file in a
// container and copies it out with `docker cp`.
func bigArtifact() scenario {
	return scenario{
		name: "1 GiB artifact export", target: "<= 1.1x", heavy: true,
		baseline: func(e *env) error {
			name := "runjob-bench-export"
			dest := filepath.Join(e.work, "cp-out")
			defer os.RemoveAll(dest)
			_ = docker("rm", "-f", name)
			if err := docker("run", "--name", name, image, "sh", "-c", bigFileCmd); err != nil {
				return err
			}
			defer docker("rm", "-f", name)
			if err := docker("cp", name+":/out", dest); err != nil {
				return err
			}
			return checkSize(filepath.Join(dest, "big.bin"))
		},
		runjob: func(e *env) (sample, error) {
			p := e.pipelineFile("artifact", fmt.Sprintf("step \"s\" {\n  image = %q\n  command = [\"sh\", \"-c\", %q]\n  artifact \"out\" {\n    path = \"/out\"\n  }\n}\n", image, bigFileCmd))
			dir := filepath.Join(e.work, "artifacts")
			defer os.RemoveAll(dir)
			s, err := runRunjob(e, func(io.Reader) error { return nil }, p, "--artifacts", dir)
			if err == nil {
				err = checkSize(filepath.Join(dir, "s", "out", "big.bin"))
			}
			return s, err
		},
	}
}

func checkSize(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Size() != gib {
		return fmt.Errorf("%s is %d bytes, want %d", path, fi.Size(), gib)
	}
	return nil
}

// loadPlan times `runjob validate` on a generated 1000-step DAG: process
// start, parse, evaluation and graph checks. No CLI does this, so no baseline.
func loadPlan() scenario {
	return scenario{
		name: "load+plan 1000 steps", target: "< 100 ms",
		runjob: func(e *env) (sample, error) {
			var b strings.Builder
			fmt.Fprintf(&b, "variable \"img\" {\n  default = %q\n}\n", image)
			for i := range 1000 {
				fmt.Fprintf(&b, "step \"s%04d\" {\n  image = var.img\n  command = [\"echo\", \"step %d\"]\n  env = { N = \"%d\" }\n", i, i, i)
				if i > 1 {
					fmt.Fprintf(&b, "  depends_on = [step.s%04d, step.s%04d]\n", i-1, i/2)
				}
				b.WriteString("}\n")
			}
			return runRunjob(e, func(io.Reader) error { return nil }, "validate", e.pipelineFile("big", b.String()))
		},
	}
}

// bigInput copies a 1 GiB host file into a container; the baseline creates
// the container, `docker cp`s the directory in and starts it. Both sides
// check the size from inside.
func bigInput() scenario {
	src := func(e *env) string { return filepath.Join(e.work, "input") }
	check := func(r io.Reader) error {
		b, err := io.ReadAll(r)
		if err == nil && !strings.Contains(string(b), fmt.Sprint(gib)) {
			err = fmt.Errorf("the container saw %q, want %d bytes", b, gib)
		}
		return err
	}
	return scenario{
		name: "1 GiB input import", target: "<= 1.1x", heavy: true,
		setup: func(e *env) error {
			if err := os.MkdirAll(src(e), 0o755); err != nil {
				return err
			}
			f, err := os.Create(filepath.Join(src(e), "big.bin"))
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.CopyN(f, zeros{}, gib)
			return err
		},
		baseline: func(e *env) error {
			name := "runjob-bench-import"
			_ = docker("rm", "-f", name)
			if err := docker("create", "--name", name, image, "sh", "-c", "wc -c < /in/big.bin"); err != nil {
				return err
			}
			defer docker("rm", "-f", name)
			if err := docker("cp", src(e), name+":/in"); err != nil {
				return err
			}
			return docker("start", "-a", name)
		},
		runjob: func(e *env) (sample, error) {
			p := e.pipelineFile("input", fmt.Sprintf("step \"s\" {\n  image = %q\n  command = [\"sh\", \"-c\", \"wc -c < /in/big.bin\"]\n  input \"big\" {\n    from = %q\n    to   = \"/in\"\n  }\n}\n", image, src(e)))
			return runRunjob(e, check, p)
		},
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
