package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/runjob/runjob/executor"
)

// writeSummary prints the end-of-run table, then one line of totals. It goes
// to stderr in every mode, so stdout stays step output (or pure JSON).
func writeSummary(w io.Writer, res *executor.Result) {
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tSTATUS\tEXIT\tATTEMPTS\tDURATION\tDETAIL")
	for _, s := range res.Steps {
		exit := "-"
		if s.ExitCode >= 0 {
			exit = fmt.Sprint(s.ExitCode)
		}
		dur := "-"
		if d := s.Duration(); d > 0 {
			dur = d.Round(time.Millisecond).String()
		}
		detail := ""
		if s.Err != nil {
			detail = s.Err.Error()
		}
		for _, a := range s.Artifacts {
			detail = strings.TrimSpace(fmt.Sprintf("%s artifact %s -> %s (%d files, %d bytes)", detail, a.Name, a.Dir, a.Files, a.Bytes))
		}
		attempts := "-"
		if n := len(s.Attempts); n > 0 {
			attempts = fmt.Sprint(n)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Status, exit, attempts, dur, detail)
	}
	_ = tw.Flush()
	// tabwriter pads the empty last cell; trailing blanks are just noise.
	for _, line := range strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n") {
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}

	var parts []string
	for _, st := range []executor.Status{executor.StatusOK, executor.StatusFailedAllowed, executor.StatusFailed,
		executor.StatusTimeout, executor.StatusOOMKilled, executor.StatusError, executor.StatusSkipped, executor.StatusCancelled} {
		if n := res.Count(st); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	wall := res.Finished.Sub(res.Started).Round(time.Millisecond)
	fmt.Fprintf(w, "%d step%s: %s in %s (run %s)\n", len(res.Steps), plural(len(res.Steps)), strings.Join(parts, ", "), wall, res.RunID)
}
