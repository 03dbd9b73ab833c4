package console

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrUnknownFormat is New's error for a name that is not in Names.
var ErrUnknownFormat = errors.New("unknown format")

// format is a registry row: a name --log-format accepts, its help, and its
// constructor. batch: the format's streams are written in blocks
// (batch.go); the live view's are not, since its frames must reach the
// terminal at once (and it prints no step output anyway).
type format struct {
	name  string
	help  string
	batch bool
	build func(*env) Format
}

// registry is every format, in the order help lists them. It is a table,
// never written: adding a format is its file and one row here.
var registry = []format{
	{name: "tty", help: "live view", build: newTTY},
	{name: "plain", help: "prefixed lines", batch: true, build: newPlain},
	{name: "json", help: "one JSON object per line on stdout", batch: true, build: newJSON},
	{name: "github", help: "log groups and annotations", batch: true, build: newGitHub},
}

// auto is the name that picks a format from where runjob runs (resolve).
const (
	auto     = "auto"
	autoHelp = "github in GitHub Actions, tty on a terminal, else plain"
)

// Names are the format names New accepts: auto, then the registry's.
func Names() []string {
	names := []string{auto}
	for _, f := range registry {
		names = append(names, f.name)
	}
	return names
}

// Help describes every name, for --log-format's help.
func Help() string {
	parts := []string{auto + " (" + autoHelp + ")"}
	for _, f := range registry {
		parts = append(parts, f.name+" ("+f.help+")")
	}
	return strings.Join(parts, ", ")
}

func lookup(name string) (format, error) {
	for _, f := range registry {
		if f.name == name {
			return f, nil
		}
	}
	return format{}, fmt.Errorf("%w %q: want one of %s", ErrUnknownFormat, name, strings.Join(Names(), ", "))
}

// resolve turns auto into a concrete format: github inside GitHub Actions
// (its log viewer understands groups and annotations), the live view when
// stderr is a terminal that can move its cursor, plain otherwise.
func resolve(name string, stderr io.Writer, lookupEnv func(string) (string, bool)) string {
	if name != auto {
		return name
	}
	switch {
	case inGitHubActions(lookupEnv):
		return "github"
	case isTerminal(stderr) && getenv(lookupEnv, "TERM") != "dumb":
		return "tty"
	}
	return "plain"
}

// inGitHubActions is the one test of running in GitHub Actions.
func inGitHubActions(lookupEnv func(string) (string, bool)) bool {
	return getenv(lookupEnv, "GITHUB_ACTIONS") == "true"
}

// getenv reads key through lookupEnv; nil is an empty environment.
func getenv(lookupEnv func(string) (string, bool), key string) string {
	if lookupEnv == nil {
		return ""
	}
	v, _ := lookupEnv(key)
	return v
}
