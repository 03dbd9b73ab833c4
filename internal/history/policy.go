package history

import (
	"fmt"
	"strconv"
	"time"

	units "github.com/docker/go-units"
)

// Defaults of the retention applied after every run.
const (
	DefaultKeepRuns  = 50
	DefaultKeepBytes = 1 << 30
)

// Environment variables that set the retention when the flags do not.
const (
	EnvKeepRuns = "RUNJOB_KEEP_RUNS"
	EnvKeepSize = "RUNJOB_KEEP_SIZE"
)

// Policy says which runs to keep. A zero field sets no limit.
type Policy struct {
	// KeepRuns keeps the newest N runs.
	KeepRuns int
	// KeepBytes keeps the newest runs that together take at most this.
	KeepBytes int64
	// OlderThan removes runs that started longer ago than this.
	OlderThan time.Duration
	// All removes every run (`runs prune --keep 0`).
	All bool
}

// DefaultPolicy is the retention of a run given no flags or environment.
var DefaultPolicy = Policy{KeepRuns: DefaultKeepRuns, KeepBytes: DefaultKeepBytes}

// ParsePolicy builds the end-of-run retention from the --keep-runs and
// --keep-size flags (empty when not given), else RUNJOB_KEEP_RUNS and
// RUNJOB_KEEP_SIZE, else the defaults. A count of 0 and a size of 0 mean
// no limit.
func ParsePolicy(keepRuns, keepSize string, lookupEnv func(string) (string, bool)) (Policy, error) {
	p := DefaultPolicy
	if v, ok := setting(keepRuns, EnvKeepRuns, lookupEnv); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return Policy{}, fmt.Errorf("keep runs %q: want a count, 0 for no limit", v)
		}
		p.KeepRuns = n
	}
	if v, ok := setting(keepSize, EnvKeepSize, lookupEnv); ok {
		n, err := ParseSize(v)
		if err != nil {
			return Policy{}, fmt.Errorf("keep size: %w", err)
		}
		p.KeepBytes = n
	}
	return p, nil
}

func setting(flag, env string, lookupEnv func(string) (string, bool)) (string, bool) {
	if flag != "" {
		return flag, true
	}
	if lookupEnv != nil {
		if v, ok := lookupEnv(env); ok && v != "" {
			return v, true
		}
	}
	return "", false
}

// ParseSize reads a size as Docker writes them (500m, 1g; binary units);
// "0" is no limit.
func ParseSize(v string) (int64, error) {
	if v == "0" {
		return 0, nil
	}
	n, err := units.RAMInBytes(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size like 500m or 1g", v)
	}
	return n, nil
}

// Select returns the runs of runs (oldest first, as List gives them) that
// p removes: walking from the newest, a run goes once the runs kept so far
// reach KeepRuns, or it would take them past KeepBytes, and so does every
// older one; a run older than OlderThan goes too; with All, every run goes. A run in progress and
// the run called keep are never selected, but count as kept.
func Select(runs []Run, p Policy, keep string, now time.Time) []Run {
	var out []Run
	var kept int
	var bytes int64
	full := false
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		if r.Running || r.ID == keep {
			kept, bytes = kept+1, bytes+r.Bytes
			continue
		}
		full = full || p.All || p.KeepRuns > 0 && kept >= p.KeepRuns || p.KeepBytes > 0 && bytes+r.Bytes > p.KeepBytes
		if full || p.OlderThan > 0 && now.Sub(r.Started) > p.OlderThan {
			out = append(out, r)
			continue
		}
		kept, bytes = kept+1, bytes+r.Bytes
	}
	// Oldest first, as listed.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
