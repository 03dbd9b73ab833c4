package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// env is what scenarios share: the runjob binary, a work directory, and
// the swarm of the swarm scenarios (nil until one runs).
type env struct {
	bin   string
	work  string
	swarm *swarmCluster
}

// describe prints the machine and engine the figures belong to.
func (e *env) describe() {
	ver, _ := exec.Command("docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})").Output()
	cpu, _ := os.ReadFile("/proc/cpuinfo")
	model := ""
	for _, line := range strings.Split(string(cpu), "\n") {
		if strings.HasPrefix(line, "model name") {
			model = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
			break
		}
	}
	fmt.Printf("machine: %s, %d CPUs; engine %s\n\n", model, numCPU(), strings.TrimSpace(string(ver)))
}

// sample is one measured run.
type sample struct {
	wall time.Duration
	rss  int64 // peak RSS in KiB; 0 when not measured
}

// result is a scenario's samples on both sides.
type result struct {
	sc        scenario
	baseline  []sample
	runjob    []sample
	reference []sample
}

// measure alternates baseline and runjob runs, after one unmeasured warm-up
// of each, so caches and the engine are in the same state for both.
func measure(e *env, sc scenario, n int) result {
	if sc.setup != nil {
		check(sc.setup(e))
	}
	r := result{sc: sc}
	for i := -1; i < n; i++ {
		var b sample
		if sc.baseline != nil {
			start := time.Now()
			if err := sc.baseline(e); err != nil {
				fatalf("%s: baseline: %v", sc.name, err)
			}
			b.wall = time.Since(start)
		}
		rj, err := sc.runjob(e)
		if err != nil {
			fatalf("%s: runjob: %v", sc.name, err)
		}
		var ref sample
		if sc.reference != nil {
			start := time.Now()
			if err := sc.reference(e); err != nil {
				fatalf("%s: %s: %v", sc.name, sc.refName, err)
			}
			ref.wall = time.Since(start)
		}
		if i >= 0 {
			r.baseline = append(r.baseline, b)
			r.runjob = append(r.runjob, rj)
			r.reference = append(r.reference, ref)
		}
	}
	return r
}

// runRunjob runs the runjob binary, hands its stdout to verify, and returns
// its wall time and peak RSS.
func runRunjob(e *env, verify func(stdout io.Reader) error, args ...string) (sample, error) {
	return runRunjobEnv(e, nil, verify, args...)
}

// runRunjobEnv is runRunjob with environ added to the environment.
func runRunjobEnv(e *env, environ []string, verify func(stdout io.Reader) error, args ...string) (sample, error) {
	cmd := exec.Command(e.bin, args...)
	cmd.Env = append(os.Environ(), environ...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return sample{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	verr := verify(stdout)
	_, _ = io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	s := sample{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rss = ru.Maxrss
	}
	if err != nil {
		return s, fmt.Errorf("%v\n%s", err, tail(stderr.String(), 2000))
	}
	return s, verr
}

// docker runs the docker CLI with output discarded.
func docker(args ...string) error {
	cmd := exec.Command("docker", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, tail(stderr.String(), 500))
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func stats(ss []sample, f func(sample) float64) (med, lo, hi float64) {
	vals := make([]float64, len(ss))
	for i, s := range ss {
		vals[i] = f(s)
	}
	slices.Sort(vals)
	return vals[len(vals)/2], vals[0], vals[len(vals)-1]
}

func printTable(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tbaseline median (min-max)\trunjob median (min-max)\tratio\ttarget\trunjob peak RSS\treference: median, runjob and baseline ratios to it")
	secs := func(s sample) float64 { return s.wall.Seconds() }
	for _, r := range results {
		rm, rlo, rhi := stats(r.runjob, secs)
		_, _, rssHi := stats(r.runjob, func(s sample) float64 { return float64(s.rss) / 1024 })
		base, ratio := "-", "-"
		if r.sc.baseline != nil {
			bm, blo, bhi := stats(r.baseline, secs)
			base = fmt.Sprintf("%.3fs (%.3f-%.3f)", bm, blo, bhi)
			ratio = fmt.Sprintf("%.2fx", rm/bm)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.3fs (%.3f-%.3f)\t%s\t%s\t%.1f MiB\t%s\n", r.sc.name, base, rm, rlo, rhi, ratio, r.sc.target, rssHi, refColumn(r, rm))
	}
	_ = tw.Flush()
}

// refColumn shows a scenario's reference workload: its median and the
// ratios of runjob's median and the baseline's to it; "-" without one.
func refColumn(r result, runjobMedian float64) string {
	if r.sc.reference == nil {
		return "-"
	}
	secs := func(s sample) float64 { return s.wall.Seconds() }
	ref, lo, hi := stats(r.reference, secs)
	bm, _, _ := stats(r.baseline, secs)
	return fmt.Sprintf("%s %.3fs (%.3f-%.3f): runjob %.2fx, baseline %.2fx", r.sc.refName, ref, lo, hi, runjobMedian/ref, bm/ref)
}
