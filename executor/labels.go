package executor

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Labels runjob puts on everything it creates on the engine, so that a run's
// resources can be found again (cleanup, prune, leftovers of crashed runs)
// without ever touching another run's.
const (
	LabelRunID    = "io.runjob.run-id"
	LabelStep     = "io.runjob.step"
	LabelPipeline = "io.runjob.pipeline"
	LabelPID      = "io.runjob.pid"
	LabelHost     = "io.runjob.host"
	LabelService  = "io.runjob.service"
)

// NewRunID returns a run ID that sorts by start time and is unique enough
// for concurrent runs on one engine: 20261122-213600-9f3c1a.
func NewRunID() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// runLabels are the labels every container of a run carries.
func runLabels(runID, pipeline string) map[string]string {
	host, _ := os.Hostname()
	return map[string]string{
		LabelRunID:    runID,
		LabelPipeline: pipeline,
		LabelPID:      strconv.Itoa(os.Getpid()),
		LabelHost:     host,
	}
}

// containerName is unique per run, step and attempt: the index keeps two
// step names that sanitize alike apart, the run ID keeps concurrent runs
// apart, a retry gets a -tryN suffix.
func containerName(runID string, index int, step string, attempt int) string {
	name := fmt.Sprintf("runjob-%s-%d-%s", runID, index, safeName(step))
	if attempt > 1 {
		name += fmt.Sprintf("-try%d", attempt)
	}
	return name
}

// safeName maps a step or artifact name onto the characters that container
// names and file names accept everywhere: [A-Za-z0-9_.-].
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out == "." || out == ".." {
		return "_" + out
	}
	return out
}
