package console

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/runjob/runjob/executor"
)

// summaryHeader names the summary's columns, in the text table and in the
// markdown one written for GitHub Actions.
var summaryHeader = []string{"STEP", "STATUS", "EXIT", "ATTEMPTS", "DURATION", "DETAIL"}

// writeSummary prints the end-of-run table, then one line of totals.
func writeSummary(w io.Writer, res *executor.Result) {
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	for _, row := range append([][]string{summaryHeader}, summaryRows(res)...) {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	_ = tw.Flush()
	// tabwriter pads the empty last cell; trailing blanks are just noise.
	for _, line := range strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n") {
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	fmt.Fprintln(w, summaryTotals(res))
}

// summaryRows is one row of cells per step, in declaration order.
func summaryRows(res *executor.Result) [][]string {
	rows := make([][]string, 0, len(res.Steps))
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
		if t := timeoutDetail(s.ProcessesAtTimeout); t != "" {
			detail = strings.TrimSpace(detail + "; " + t)
		}
		for _, a := range s.Artifacts {
			detail = strings.TrimSpace(fmt.Sprintf("%s artifact %s -> %s (%d files, %d bytes)", detail, a.Name, a.Dir, a.Files, a.Bytes))
		}
		if len(s.Outputs) > 0 {
			if detail != "" {
				detail += ";"
			}
			detail = strings.TrimSpace(detail + " outputs: " + strings.Join(executor.OutputNames(s.Outputs), ", "))
		}
		if s.ReusedFrom != "" {
			detail = strings.TrimSuffix(strings.TrimSpace("reused from run "+s.ReusedFrom+"; "+detail), ";")
		}
		attempts := "-"
		if n := len(s.Attempts); n > 0 {
			attempts = fmt.Sprint(n)
		}
		rows = append(rows, []string{s.Name, string(s.Status), exit, attempts, dur, detail})
	}
	return rows
}

// summaryTotals is the line under the table: counts by status, wall time
// and the run ID.
func summaryTotals(res *executor.Result) string {
	var parts []string
	for _, st := range []executor.Status{executor.StatusOK, executor.StatusReused, executor.StatusFailedAllowed, executor.StatusFailed,
		executor.StatusTimeout, executor.StatusOOMKilled, executor.StatusError, executor.StatusSkipped, executor.StatusCancelled} {
		if n := res.Count(st); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	wall := res.Finished.Sub(res.Started).Round(time.Millisecond)
	return fmt.Sprintf("%d step%s: %s in %s (run %s)", len(res.Steps), plural(len(res.Steps)), strings.Join(parts, ", "), wall, res.RunID)
}

// writeMarkdownSummary writes the summary as a GitHub-flavoured markdown
// table, for $GITHUB_STEP_SUMMARY.
func writeMarkdownSummary(w io.Writer, res *executor.Result) {
	_, _ = io.WriteString(w, markdownSummary(res, 0))
}

// markdownSummary is the markdown summary in at most limit bytes (0: no
// limit): when the table would be longer, its last rows give way to a
// line saying how many steps are not shown.
func markdownSummary(res *executor.Result, limit int) string {
	cell := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ")
	var head, body strings.Builder
	fmt.Fprintf(&head, "### runjob: %s\n\n", cell.Replace(res.Pipeline))
	fmt.Fprintf(&head, "| %s |\n|%s\n", strings.Join(summaryHeader, " | "), strings.Repeat("---|", len(summaryHeader)))
	tail := fmt.Sprintf("\n%s\n\n", cell.Replace(summaryTotals(res)))
	rows := summaryRows(res)
	for i, row := range rows {
		for j := range row {
			row[j] = cell.Replace(row[j])
		}
		row[0] = "`" + strings.ReplaceAll(row[0], "`", "'") + "`"
		line := fmt.Sprintf("| %s |\n", strings.Join(row, " | "))
		if limit > 0 && head.Len()+body.Len()+len(line)+len(tail)+len(summaryCutNote) > limit {
			fmt.Fprintf(&body, summaryCutNote, len(rows)-i)
			break
		}
		body.WriteString(line)
	}
	return head.String() + body.String() + tail
}

// summaryCutNote ends a markdown table cut to fit GitHub's limit.
const summaryCutNote = "\n_%d more steps not shown: GitHub limits a step summary to 1 MiB. The run record has them all._\n"

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
