package report

import "github.com/runjob/runjob/executor"

// Process is one process that ran in a step's container when its timeout
// expired, as the engine's ps listed it.
type Process struct {
	PID  int `json:"pid"`
	PPID int `json:"ppid"`
	// User is the user name or UID it ran as.
	User string `json:"user"`
	// CPUTime is its CPU time, as ps prints it (00:00:01).
	CPUTime string `json:"cpu_time"`
	// Command is its command line.
	Command string `json:"command"`
}

// processes converts the executor's list; nil stays nil (omitted).
func processes(ps []executor.Process) []Process {
	if ps == nil {
		return nil
	}
	out := make([]Process, 0, len(ps))
	for _, p := range ps {
		out = append(out, Process{PID: p.PID, PPID: p.PPID, User: p.User, CPUTime: p.Time, Command: p.Command})
	}
	return out
}
