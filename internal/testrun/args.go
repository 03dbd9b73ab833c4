package main

import (
	"bufio"
	"io"
	"regexp"
	"strings"
)

// boolFlags are the go test flags that take no value, so that the word
// after them is not taken for one (a package or a -run pattern).
var boolFlags = map[string]bool{
	"-v": true, "-short": true, "-race": true, "-cover": true, "-json": true,
	"-failfast": true, "-x": true, "-n": true, "-a": true, "-benchmem": true,
	"-fullpath": true, "-msan": true, "-asan": true, "-trimpath": true,
}

// splitArgs parses go test's command line into its flags (a flag keeps its
// value) and its package patterns, so that a later round can run the same
// flags on fewer packages.
func splitArgs(args []string) (flags, pkgs []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case !strings.HasPrefix(a, "-"):
			pkgs = append(pkgs, a)
		case strings.Contains(a, "=") || boolFlags[a] || i+1 == len(args):
			flags = append(flags, a)
		default:
			flags = append(flags, a, args[i+1])
			i++
		}
	}
	return flags, pkgs
}

// failLine is go test's summary line of a package that failed: "FAIL\tpkg\t1.2s"
// or "FAIL\tpkg [build failed]".
var failLine = regexp.MustCompile(`^FAIL\t(\S+)`)

// failedPackages reads go test's output and returns the packages that
// failed, in order, once each.
func failedPackages(r io.Reader) []string {
	var pkgs []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if m := failLine.FindStringSubmatch(sc.Text()); m != nil && !seen[m[1]] {
			seen[m[1]] = true
			pkgs = append(pkgs, m[1])
		}
	}
	return pkgs
}
