// Command runjob runs a pipeline of container steps described in HCL.
//
//	runjob pipeline.hcl [--var k=v] [--var-file f] [--only STEP] [--dry-run] [-j N]
//	runjob validate|list|graph pipeline.hcl
//	runjob fmt [--check] pipeline.hcl...
//	runjob prune [--all]
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/runjob/runjob/internal/console"
	"github.com/runjob/runjob/internal/errkind"
)

// exitCodes is the one table of exit numbers, documented in docs/cli.md ("Exit codes").
// Every command returns an errkind kind; only this table turns it into a
// number.
var exitCodes = map[errkind.Kind]int{
	errkind.OK:          0,
	errkind.Failed:      1,
	errkind.Usage:       2, // bad flags, unreadable or invalid pipeline
	errkind.Engine:      3, // engine unreachable, pull failed, internal error
	errkind.Interrupted: 130,
}

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	force, forceNow := context.WithCancel(context.Background())
	// Interrupt notices go to stderr, or through the run's view while it
	// owns the terminal.
	notices := console.NewNotices(os.Stderr)
	// The first signal cancels the run: running containers get SIGTERM and
	// --stop-timeout to exit. The second ends the force context: they are
	// killed at once. runjob keeps handling signals until it exits, so no
	// number of Ctrl-C can kill it before its containers are removed.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		n := 0
		for sig := range sigs {
			if n++; n == 1 {
				fmt.Fprintf(notices, "runjob: %s: stopping running steps, then removing their containers (interrupt again to kill them at once)\n", sig)
				cancel(fmt.Errorf("interrupted by %s", sig))
				continue
			}
			fmt.Fprintf(notices, "runjob: %s again: killing containers now; they are still removed\n", sig)
			forceNow()
		}
	}()
	stopProfile := startProfile()
	code := run(withNotices(withForce(ctx, force), notices), os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	os.Exit(code)
}

type forceKey struct{}

// withForce attaches the context that a second interrupt ends.
func withForce(ctx, force context.Context) context.Context {
	return context.WithValue(ctx, forceKey{}, force)
}

// forceFrom returns the context that a second interrupt ends (one that
// never ends when none was attached).
func forceFrom(ctx context.Context) context.Context {
	if f, ok := ctx.Value(forceKey{}).(context.Context); ok {
		return f
	}
	return context.Background()
}

type noticesKey struct{}

// withNotices attaches the interrupt handler's notices, which the run
// routes through its view.
func withNotices(ctx context.Context, n *console.Notices) context.Context {
	return context.WithValue(ctx, noticesKey{}, n)
}

// noticesFrom returns the notices attached to ctx, or nil.
func noticesFrom(ctx context.Context) *console.Notices {
	n, _ := ctx.Value(noticesKey{}).(*console.Notices)
	return n
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr, defaultCommands)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return exitCode(err, stderr)
}

// exitCode maps a command's error to the process exit code and prints
// its message. Errors without a kind came from flag and argument parsing:
// usage errors, printed with a pointer to --help.
func exitCode(err error, stderr io.Writer) int {
	kind := errkind.Of(err)
	var ke *errkind.Error
	switch {
	case err == nil:
	case !errors.As(err, &ke):
		fmt.Fprintf(stderr, "runjob: %v\nRun 'runjob --help' for usage.\n", err)
	case errkind.Message(err) != "":
		fmt.Fprintf(stderr, "runjob: %s\n", errkind.Message(err))
	}
	return exitCodes[kind]
}
