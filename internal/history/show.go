package history

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/internal/errkind"
)

// RunsOptions are the settings of `runjob runs`.
type RunsOptions struct {
	// Path is a pipeline file or a directory (see RecordRoot).
	Path string
	JSON bool
	Out  io.Writer
}

// ListRuns writes the history of o.Path's record directory, oldest first:
// a table, or with JSON an array of Run (id, pipeline, status, started,
// duration_ms, bytes, dir).
func ListRuns(o RunsOptions) error {
	root, err := RecordRoot(o.Path)
	if err != nil {
		return errkind.New(errkind.Usage, fmt.Errorf("run history: %w", err))
	}
	runs, err := List(root)
	if err != nil {
		return errkind.New(errkind.Usage, fmt.Errorf("run history: %w", err))
	}
	if err := WriteRuns(o.Out, runs, o.JSON); err != nil {
		return errkind.New(errkind.Engine, err)
	}
	return nil
}

// WriteRuns writes runs as a table, or as a JSON array.
func WriteRuns(w io.Writer, runs []Run, asJSON bool) error {
	if asJSON {
		if runs == nil {
			runs = []Run{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(runs)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPIPELINE\tSTATUS\tSTARTED\tDURATION\tSIZE")
	for _, r := range runs {
		dur := "-"
		if r.Status != StatusRunning && r.Status != StatusIncomplete {
			dur = (time.Duration(r.DurationMS) * time.Millisecond).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, orDash(r.Pipeline), r.Status,
			r.Started.UTC().Format(time.RFC3339), dur, bytesize.Format(r.Bytes))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
