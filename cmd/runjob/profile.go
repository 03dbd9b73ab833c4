package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole process to the file named
// by RUNJOB_CPUPROFILE, for `go tool pprof`: what runjob itself spends
// while a real run streams output or copies artifacts (BENCHMARKS.md). It
// is a developer's knob, so it is an environment variable, not a flag.
// The returned stop writes the profile out; call it before exiting.
func startProfile() (stop func()) {
	path := os.Getenv("RUNJOB_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "runjob: RUNJOB_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
