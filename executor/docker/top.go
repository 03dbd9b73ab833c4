package docker

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

var _ executor.ProcessLister = (*Engine)(nil)

// Top lists the processes running in the container (GET
// /containers/{id}/top with the daemon's default ps arguments, -ef). A
// container that is not running is a conflict.
func (e *Engine) Top(ctx context.Context, id string) ([]executor.Process, error) {
	res, err := e.cli.ContainerTop(ctx, id, client.ContainerTopOptions{})
	if err != nil {
		return nil, e.classify(ctx, fmt.Errorf("list processes of %s: %w", id, err))
	}
	return toProcesses(res.Titles, res.Processes), nil
}

// toProcesses reads ps's table by its column titles, which differ between
// engines and ps arguments (Docker's -ef says UID and CMD, Podman USER and
// COMMAND); a column that is missing leaves its field empty.
func toProcesses(titles []string, rows [][]string) []executor.Process {
	titles, rows = splitTable(titles, rows)
	col := map[string]int{}
	for i, t := range titles {
		col[strings.ToUpper(strings.TrimSpace(t))] = i
	}
	cell := func(row []string, names ...string) string {
		for _, n := range names {
			if i, ok := col[n]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
		}
		return ""
	}
	out := make([]executor.Process, 0, len(rows))
	for _, row := range rows {
		pid, _ := strconv.Atoi(cell(row, "PID"))
		ppid, _ := strconv.Atoi(cell(row, "PPID"))
		out = append(out, executor.Process{PID: pid, PPID: ppid, User: cell(row, "UID", "USER"),
			Time: cell(row, "TIME"), Command: cell(row, "CMD", "COMMAND", "ARGS")})
	}
	return out
}

// splitTable splits a table an engine sent unsplit: Podman 4.3 answers
// for a busybox container with one title "PID   USER     COMMAND" and
// one string per process, as its ps printed them. The columns are the
// title's words; a row's last column takes the rest of the line, since a
// command has spaces.
func splitTable(titles []string, rows [][]string) ([]string, [][]string) {
	if len(titles) != 1 || len(strings.Fields(titles[0])) < 2 {
		return titles, rows
	}
	titles = strings.Fields(titles[0])
	split := make([][]string, 0, len(rows))
	for _, row := range rows {
		if len(row) != 1 {
			split = append(split, row)
			continue
		}
		f := strings.Fields(row[0])
		if len(f) > len(titles) {
			last := len(titles) - 1
			// the command: from the last column's start in the line
			rest := row[0]
			for _, w := range f[:last] {
				rest = strings.TrimLeft(rest, " \t")
				rest = strings.TrimPrefix(rest, w)
			}
			f = append(f[:last], strings.TrimSpace(rest))
		}
		split = append(split, f)
	}
	return titles, split
}
