package report

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
)

type bufOutput struct{ out, err strings.Builder }

func (b *bufOutput) Open(string) (io.WriteCloser, io.WriteCloser) {
	return nopWC{&b.out}, nopWC{&b.err}
}

type nopWC struct{ io.Writer }

func (nopWC) Close() error { return nil }

type failingOutput struct{}

func (failingOutput) Open(string) (io.WriteCloser, io.WriteCloser) {
	return failingWC{}, failingWC{}
}

type failingWC struct{}

func (failingWC) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }
func (failingWC) Close() error              { return errors.New("close failed") }

// A failing output does not starve the others, and its error still shows.
func TestMultiOutput(t *testing.T) {
	a, b := &bufOutput{}, &bufOutput{}
	o, e := MultiOutput(a, nil, failingOutput{}, b).Open("s")
	if _, err := io.WriteString(o, "out\n"); err == nil {
		t.Error("want the failing writer's error")
	}
	_, _ = io.WriteString(e, "err\n")
	if err := o.Close(); err == nil || !strings.Contains(err.Error(), "close failed") {
		t.Errorf("Close = %v, want the failing writer's error", err)
	}
	for _, x := range []*bufOutput{a, b} {
		if x.out.String() != "out\n" || x.err.String() != "err\n" {
			t.Errorf("output got %q / %q", x.out.String(), x.err.String())
		}
	}
}

func TestMultiObserver(t *testing.T) {
	var got []string
	obs := func(tag string) executor.Observer {
		return executor.ObserverFunc(func(ev executor.Event) { got = append(got, tag+":"+string(ev.Kind)) })
	}
	m := MultiObserver(obs("a"), nil, obs("b"))
	m.Event(executor.Event{Kind: executor.EventRunStarted})
	m.Event(executor.Event{Kind: executor.EventRunFinished})
	want := []string{"a:run_started", "b:run_started", "a:run_finished", "b:run_finished"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
