package executor

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/pipeline"
)

// writeEntry closes a succeeded step's entry: its log blob and its data,
// then the atomic commit.
func (s *schedule) writeEntry(i int, step *pipeline.Step, r *StepResult, sv *reuseSave) error {
	var log []byte
	if sv.capture != nil {
		log, _ = sv.capture.result() // checked by commitSave
	}
	w, err := sv.pending.Create(logBlob)
	if err != nil {
		return err
	}
	if _, err := w.Write(log); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	data, err := json.Marshal(reuseData{Version: reuseDataVersion, Parts: s.storedParts(sv.key.Parts), ImageID: sv.key.ImageID,
		Outputs: r.Outputs, OutputsRead: s.readOutputs[i], Log: logBlob, Artifacts: sv.stored})
	if err != nil {
		return err
	}
	return sv.pending.Commit(s.meta(step, sv.key.Key, data))
}

// meta describes an entry of step stored by this run. The step's name is
// masked as everything runjob writes is (a for_each key may come from a
// sensitive value).
func (s *schedule) meta(step *pipeline.Step, key string, data []byte) stepcache.Meta {
	return stepcache.Meta{Key: key, Pipeline: s.reuse.pipeline, Step: s.e.redact(step.Name), RunID: s.e.runID, Data: data}
}

// whyMissed logs why step's key was not in the store, comparing it with
// the newest entry of the same step of the same pipeline: "not reused:
// command changed", "not reused: input src changed, env GOFLAGS added".
func (s *schedule) whyMissed(step string, key *reuseKey) {
	s.e.log.Info().Str("step", step).Msg("not reused: " + s.missReason(step, key))
}

// missReason says why step's key is not in the store: what changed since
// the newest stored run of it, or that none is stored.
func (s *schedule) missReason(step string, key *reuseKey) string {
	metas, err := s.reuse.store.List()
	if err != nil {
		return "not in the store"
	}
	var newest *stepcache.Meta
	for i := range metas {
		m := &metas[i]
		if m.Pipeline == s.reuse.pipeline && m.Step == s.e.redact(step) && (newest == nil || m.Created.After(newest.Created)) {
			newest = m
		}
	}
	if newest == nil {
		return "no earlier run of it is stored"
	}
	// List leaves the data out; a peek at the one entry has it, and
	// leaves it as little used as it was.
	entry, err := s.reuse.store.Peek(newest.Key)
	if err != nil || entry == nil {
		return "not in the store"
	}
	entry.Close()
	var d reuseData
	if json.Unmarshal(entry.Meta().Data, &d) != nil || d.Version != reuseDataVersion {
		return "its stored runs are of another runjob version"
	}
	return fmt.Sprintf("%s (since run %s)", partsChanged(d.Parts, s.storedParts(key.Parts)), newest.RunID)
}

// partsChanged names the parts that differ between an old key and a new
// one, in name order.
func partsChanged(old, new map[string]string) string {
	var changes []string
	for name, digest := range new {
		switch was, ok := old[name]; {
		case !ok:
			changes = append(changes, name+" added")
		case was != digest:
			changes = append(changes, name+" changed")
		}
	}
	for name := range old {
		if _, ok := new[name]; !ok {
			changes = append(changes, name+" removed")
		}
	}
	if len(changes) == 0 {
		return "its entry is no longer stored"
	}
	slices.Sort(changes)
	return strings.Join(changes, ", ")
}
