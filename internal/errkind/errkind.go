// Package errkind says what kind of trouble ended a command: the user's
// input, a step, the engine, or an interrupt. Packages below cmd/runjob
// return these kinds; only cmd/runjob turns a kind into an exit number, in
// one table, so no package decides exit codes on its own.
package errkind

import (
	"errors"
	"fmt"
)

// Kind classifies why a command ended.
type Kind int

// The kinds, in the exit-code order of docs/cli.md.
const (
	// OK: the command did what was asked. A nil error is OK.
	OK Kind = iota
	// Failed: the command ran, and what it ran failed (a step, or fmt
	// --check found unformatted files).
	Failed
	// Usage: bad flags or arguments, an unreadable or invalid pipeline, a
	// missing secret: nothing ran.
	Usage
	// Engine: the engine was unreachable or broke, or runjob itself failed.
	Engine
	// Interrupted: a signal ended the command.
	Interrupted
)

// String names the kind, for logs and tests.
func (k Kind) String() string {
	switch k {
	case OK:
		return "ok"
	case Failed:
		return "failed"
	case Usage:
		return "usage"
	case Engine:
		return "engine"
	case Interrupted:
		return "interrupted"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is an error of a known kind. Err may be nil when there is nothing
// more to say than the kind (a failed step has already been reported).
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Kind.String()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns err as an error of kind k; err may be nil.
func New(k Kind, err error) error { return &Error{Kind: k, Err: err} }

// Errorf is New with a formatted message.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Err: fmt.Errorf(format, args...)}
}

// Of returns the kind of err: OK for nil, the outermost Error's kind, and
// Usage for any other error (those come from flag and argument parsing,
// before a command runs).
func Of(err error) Kind {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Usage
}

// Message is what should be printed for err: "" when the error carries no
// message beyond its kind (the command already said everything).
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Err == nil {
		return ""
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
