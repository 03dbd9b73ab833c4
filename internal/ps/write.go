package ps

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteJSON writes the runs as {"runs": [...]}, for scripts.
func WriteJSON(w io.Writer, runs []Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Runs []Run `json:"runs"`
	}{runs})
}

// WriteText writes one block per run: a line about the run, then a table
// of its containers (and their processes, when listed).
func WriteText(w io.Writer, runs []Run, now time.Time) error {
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, "no runjob runs on this engine")
		return err
	}
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeRun(&b, r, now)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeRun(b *strings.Builder, r Run, now time.Time) {
	fmt.Fprintf(b, "run %s  pipeline %s  host %s  pid %d  %s", r.RunID, r.Pipeline, r.Host, r.PID, r.Liveness)
	if r.Started != nil {
		fmt.Fprintf(b, "  started %s ago", elapsed(now.Sub(*r.Started)))
	}
	b.WriteString("\n")
	switch r.Liveness {
	case "dead":
		fmt.Fprintf(b, "  dead: its runjob process is gone; `runjob prune` removes what it left (%d containers, %d networks, %d volumes)\n",
			len(r.Containers), r.Networks, r.Volumes)
	case "unknown":
		b.WriteString("  another host's run: this host cannot tell whether it is still alive\n")
	}
	if len(r.Containers) == 0 {
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  KIND\tNAME\tSTATE\tELAPSED\tCONTAINER")
	for _, c := range r.Containers {
		el := "-"
		if c.Started != nil {
			el = elapsed(time.Duration(c.ElapsedMS) * time.Millisecond)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.Kind, c.Name, c.State, el, c.Label)
	}
	_ = tw.Flush()
	for _, c := range r.Containers {
		if c.Processes != nil || c.TopError != "" {
			fmt.Fprintf(b, "  processes of %s %s:\n", c.Kind, c.Name)
			writeProcesses(b, c, "    ")
		}
	}
}

// writeProcesses is a container's process table, as ps prints it.
func writeProcesses(b *strings.Builder, c Container, indent string) {
	if c.TopError != "" {
		fmt.Fprintf(b, "%scould not list them: %s\n", indent, c.TopError)
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%sPID\tPPID\tUSER\tTIME\tCOMMAND\n", indent)
	for _, p := range c.Processes {
		fmt.Fprintf(tw, "%s%d\t%d\t%s\t%s\t%s\n", indent, p.PID, p.PPID, p.User, p.CPUTime, p.Command)
	}
	_ = tw.Flush()
}

// elapsed rounds a duration for people: to the second, or to the tenth
// under ten seconds.
func elapsed(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
