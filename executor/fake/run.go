package fake

import (
	"archive/tar"
	"context"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
)

// Run plays the step's script: output first, then the sleep or gate, then
// the exit status. Cancellation ends it with ctx's error, as Docker's does;
// Stop ends it with exit code 143 (137 when it had to kill).
func (e *Engine) Run(ctx context.Context, id string, stdout, stderr io.Writer) (executor.ExitStatus, error) {
	if err := e.enter(ctx, "Run"); err != nil {
		return executor.ExitStatus{}, err
	}
	c, err := e.get(id)
	if err != nil {
		return executor.ExitStatus{}, err
	}
	if err := c.script.Fail["Run"]; err != nil {
		return executor.ExitStatus{}, err
	}
	e.mu.Lock()
	e.calls = append(e.calls, "Run "+c.step)
	e.running++
	e.peak = max(e.peak, e.running)
	e.starts[c.step] = time.Now()
	c.started = e.starts[c.step]
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.running--
		e.ends[c.step] = time.Now()
		c.finished = e.ends[c.step]
		e.mu.Unlock()
	}()

	writeAll(stdout, c.script.Stdout)
	writeAll(stderr, c.script.Stderr)
	var sleep <-chan time.Time
	if c.script.Sleep > 0 {
		sleep = time.After(c.script.Sleep)
	}
	if c.script.Gate != nil || sleep != nil {
		select {
		case <-e.hung:
			<-ctx.Done()
			return executor.ExitStatus{}, ctx.Err()
		case <-c.script.Gate:
		case <-sleep:
		case <-c.stop:
			writeAll(stdout, c.script.StopOutput)
			e.mu.Lock()
			killed := c.killed
			e.mu.Unlock()
			if killed {
				return executor.ExitStatus{Code: 137}, nil
			}
			return executor.ExitStatus{Code: 143}, nil
		case <-ctx.Done():
			return executor.ExitStatus{}, ctx.Err()
		}
	}
	exit := executor.ExitStatus{Code: c.exit, OOMKilled: c.script.OOMKilled}
	if c.exit != 0 {
		exit.Caveat = c.script.Caveat
	}
	return exit, nil
}

// Stop ends the container's Run: at once, or for a container that ignores
// SIGTERM, after grace or when ctx ends (a kill).
func (e *Engine) Stop(ctx context.Context, id string, grace time.Duration) error {
	if err := e.enter(ctx, "Stop"); err != nil {
		return err
	}
	e.mu.Lock()
	c := e.lookup(id)
	if c != nil {
		e.calls = append(e.calls, "Stop "+c.step)
	}
	e.mu.Unlock()
	if c == nil {
		return nil
	}
	killed := false
	if c.script.IgnoreStop {
		select {
		case <-time.After(grace):
		case <-ctx.Done():
		case <-c.stop:
		}
		killed = true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c.once.Do(func() { c.killed = killed; close(c.stop) })
	return nil
}

// CopyFrom returns a tar of the scripted files under p, rooted at p's base
// name like the archive endpoint.
func (e *Engine) CopyFrom(ctx context.Context, id, p string) (io.ReadCloser, error) {
	if err := e.enter(ctx, "CopyFrom"); err != nil {
		return nil, err
	}
	c, err := e.get(id)
	if err != nil {
		return nil, err
	}
	if err := c.script.Fail["CopyFrom"]; err != nil {
		return nil, err
	}
	p = path.Clean(p)
	var names []string
	for name := range c.script.Files {
		if name == p || strings.HasPrefix(name, p+"/") {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, cerrdefs.ErrNotFound.WithMessage("no such path: " + p)
	}
	sort.Strings(names)
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		base := path.Base(p)
		if _, isFile := c.script.Files[p]; !isFile {
			_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: base + "/", Mode: 0o755})
		}
		for _, name := range names {
			rel := base + strings.TrimPrefix(name, p)
			body := c.script.Files[name]
			_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: rel, Mode: 0o644, Size: int64(len(body))})
			_, _ = io.WriteString(tw, body)
		}
		pw.CloseWithError(tw.Close())
	}()
	return pr, nil
}

// Peak returns the largest number of containers that ran at once.
func (e *Engine) Peak() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.peak
}

// Calls returns the engine calls made so far, e.g. "Create build".
func (e *Engine) Calls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.calls...)
}

// Pulls returns how many times EnsureImage was called for image, and the
// largest number of EnsureImage calls in progress at once.
func (e *Engine) Pulls(image string) (n, peak int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pulls[image], e.peakPulls
}

// Span returns when the step's container started and stopped running.
func (e *Engine) Span(step string) (start, end time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.starts[step], e.ends[step]
}

// Leftovers returns the names of containers created but never removed.
func (e *Engine) Leftovers() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, c := range e.containers {
		if !c.removed {
			out = append(out, c.spec.Name)
		}
	}
	sort.Strings(out)
	return out
}
