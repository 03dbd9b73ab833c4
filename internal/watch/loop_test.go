package watch

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// syncLog is a Log the test reads while the loop writes.
type syncLog struct {
	lines chan string
}

func (l syncLog) Write(p []byte) (int, error) {
	l.lines <- strings.TrimSpace(string(p))
	return len(p), nil
}

func (l syncLog) await(t *testing.T, prefix string) {
	t.Helper()
	for {
		select {
		case line := <-l.lines:
			if strings.HasPrefix(line, prefix) {
				return
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no %q line", prefix)
		}
	}
}

func TestLoopRunsAgainOnChangeAndExitsZeroWhenInterruptedIdle(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.c")
	mkfile(t, src, "v1")
	var runs atomic.Int32
	log := syncLog{lines: make(chan string, 16)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Loop{Debounce: testDebounce, Prepare: func() Plan {
			return Plan{Roots: []Root{{Path: dir}}, Log: log, Run: func(context.Context) error {
				runs.Add(1)
				return errors.New("a failed run does not end watching")
			}}
		}}.Do(ctx)
	}()
	log.await(t, "watch: waiting")
	mkfile(t, src, "v2")
	log.await(t, "watch: "+src+" changed")
	log.await(t, "watch: waiting")
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Ctrl-C while idle: %v, want nil", err)
	}
	if n := runs.Load(); n != 2 {
		t.Fatalf("%d runs, want 2", n)
	}
}

func TestLoopKeepsAChangeMadeDuringARun(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.c")
	mkfile(t, src, "v1")
	var runs atomic.Int32
	second := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		_ = Loop{Debounce: testDebounce, Prepare: func() Plan {
			return Plan{Roots: []Root{{Path: dir}}, Log: syncLog{lines: make(chan string, 16)}, Run: func(context.Context) error {
				if runs.Add(1) == 1 {
					mkfile(t, src, "edited while the run ran")
				} else {
					close(second)
				}
				return nil
			}}
		}}.Do(ctx)
	}()
	select {
	case <-second:
	case <-time.After(20 * time.Second):
		t.Fatal("the change made during the first run started no second run")
	}
}

func TestLoopReturnsTheRunsErrorWhenInterruptedMidRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	interrupted := errors.New("interrupted")
	err := Loop{Prepare: func() Plan {
		return Plan{Roots: []Root{{Path: t.TempDir()}}, Log: syncLog{lines: make(chan string, 16)}, Run: func(context.Context) error {
			cancel()
			return interrupted
		}}
	}}.Do(ctx)
	if !errors.Is(err, interrupted) {
		t.Fatalf("err = %v, want the run's", err)
	}
}

func TestLoopWaitsForAFixWhenThePipelineDoesNotLoad(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pipeline.hcl")
	mkfile(t, file, "broken {")
	var prepared, runs atomic.Int32
	log := syncLog{lines: make(chan string, 16)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Loop{Debounce: testDebounce, Prepare: func() Plan {
			p := Plan{Roots: []Root{{Path: file}}, Log: log}
			if prepared.Add(1) > 1 {
				p.Run = func(context.Context) error { runs.Add(1); return nil }
			}
			return p
		}}.Do(ctx)
	}()
	log.await(t, "watch: waiting")
	mkfile(t, file, "fixed")
	log.await(t, "watch: waiting")
	cancel()
	if err := <-done; err != nil || runs.Load() != 1 {
		t.Fatalf("err %v, %d runs; want nil and 1 run after the fix", err, runs.Load())
	}
}
