package report

import (
	"errors"
	"io"

	"github.com/runjob/runjob/executor"
)

// MultiOutput returns an executor.Output that copies every step's output to
// each of outs, e.g. the terminal and a Recorder. Nil entries are ignored.
func MultiOutput(outs ...executor.Output) executor.Output {
	return multiOutput(nonNil(outs))
}

type multiOutput []executor.Output

func (m multiOutput) Open(step string) (io.WriteCloser, io.WriteCloser) {
	stdout := make(multiWriter, len(m))
	stderr := make(multiWriter, len(m))
	for i, o := range m {
		stdout[i], stderr[i] = o.Open(step)
	}
	return stdout, stderr
}

// multiWriter writes to every writer even when one fails, so a broken
// terminal does not starve the run record; it then reports the first error.
type multiWriter []io.WriteCloser

func (m multiWriter) Write(p []byte) (int, error) {
	var first error
	for _, w := range m {
		if _, err := w.Write(p); err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return 0, first
	}
	return len(p), nil
}

func (m multiWriter) Close() error {
	var errs []error
	for _, w := range m {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}

// MultiObserver returns an executor.Observer that hands every event to each
// of obs in turn. Nil entries are ignored.
func MultiObserver(obs ...executor.Observer) executor.Observer {
	obs = nonNil(obs)
	return executor.ObserverFunc(func(ev executor.Event) {
		for _, o := range obs {
			o.Event(ev)
		}
	})
}

func nonNil[T comparable](xs []T) []T {
	var zero T
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if x != zero {
			out = append(out, x)
		}
	}
	return out
}
