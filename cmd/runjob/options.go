package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/session"
)

// source is the pipeline argument and --var/--var-file, which every
// command that loads a pipeline takes: one set of flags, one parser.
type source struct {
	session.Source
	varFlags []string
}

func (s *source) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&s.varFlags, "var", nil, "set a pipeline variable: --var name=value (repeatable)")
	cmd.Flags().StringArrayVar(&s.VarFiles, "var-file", nil, "read variable values from an .hcl or .json file (repeatable; later files win)")
}

// complete takes the file from the arguments and turns repeated --var
// name=value flags into a map; the last value given for a name wins, as
// in Terraform.
func (s *source) complete(args []string) error {
	s.File = args[0]
	s.Vars = map[string]string{}
	for _, f := range s.varFlags {
		name, value, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return fmt.Errorf("--var %q: want name=value", f)
		}
		s.Vars[name] = value
	}
	return nil
}

// streams are a command's stdout and stderr.
type streams struct {
	Stdout io.Writer
	Stderr io.Writer
}

// runOptions are the settings of `runjob run`; flags fill them, and nothing
// runs until the command's function is called with them.
type runOptions struct {
	source
	streams
	Only         []string
	DryRun       bool
	Watch        bool
	Concurrency  int
	ArtifactsDir string
	LogFormat    string
	JUnit        string
	Exec         execOptions
	// KeepRuns and KeepSize bound the run history ("": RUNJOB_KEEP_RUNS,
	// RUNJOB_KEEP_SIZE, else the defaults).
	KeepRuns, KeepSize string
	// NoReuse turns reuse off for this run; CacheDir holds the reuse store
	// ("": RUNJOB_CACHE_DIR, else the user's cache directory).
	NoReuse  bool
	CacheDir string
}

// validateOptions are the settings of `runjob validate`.
type validateOptions struct {
	source
	streams
	JSON bool
}

// listOptions are the settings of `runjob list` and `runjob graph`.
type listOptions struct {
	source
	streams
	Format string // graph only: dot, mermaid or json
}
