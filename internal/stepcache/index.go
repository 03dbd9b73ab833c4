package stepcache

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
	"time"
)

// The index is a journal: a header line, then one record per line, each
// "<crc32 of the JSON, 8 hex digits> <JSON>". Records come in the order
// they happened; a compacted index is one "+" record per entry.
const indexMagic = "runjob-reuse-index 1\n"

// record is one line of the index.
type record struct {
	// Op is "+" (committed: every field), "u" (used at Used) or "-"
	// (removed).
	Op       string `json:"op"`
	Key      string `json:"key"`
	Size     int64  `json:"size,omitempty"`
	Created  int64  `json:"created,omitempty"` // Unix nanoseconds
	Used     int64  `json:"used,omitempty"`
	Pipeline string `json:"pipeline,omitempty"`
	Step     string `json:"step,omitempty"`
	RunID    string `json:"run,omitempty"`
}

// index is what a journal says: the entries (Meta without Data), and the
// uses of keys it has no entry for (yet: the entry's "+" was lost).
type index struct {
	rows    map[string]Meta
	uses    map[string]time.Time
	records int // well-formed records read
	bad     int // lines that were not: the index needs rewriting
}

// maxIndexLine bounds one record; a longer line is corrupt.
const maxIndexLine = 64 << 10

// parseIndex reads a journal. It never fails: what it cannot read is
// counted in bad and left out, and the caller rebuilds the missing rows
// from the entries themselves.
func parseIndex(b []byte) *index {
	ix := &index{rows: map[string]Meta{}, uses: map[string]time.Time{}}
	rest, ok := bytes.CutPrefix(b, []byte(indexMagic))
	if !ok {
		if len(b) > 0 {
			ix.bad++
		}
		return ix
	}
	for len(rest) > 0 {
		line, tail, complete := bytes.Cut(rest, []byte("\n"))
		rest = tail
		r, ok := parseRecord(line)
		if !complete || !ok {
			ix.bad++ // a torn last line is a record that never happened
			continue
		}
		ix.apply(r)
		ix.records++
	}
	return ix
}

func parseRecord(line []byte) (record, bool) {
	var r record
	if len(line) < 10 || len(line) > maxIndexLine || line[8] != ' ' {
		return r, false
	}
	sum, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE(line[9:]) {
		return r, false
	}
	if json.Unmarshal(line[9:], &r) != nil || checkKey(r.Key) != nil || r.Size < 0 {
		return r, false
	}
	return r, r.Op == "+" || r.Op == "u" || r.Op == "-"
}

func (ix *index) apply(r record) {
	switch r.Op {
	case "+":
		ix.rows[r.Key] = Meta{Key: r.Key, Pipeline: r.Pipeline, Step: r.Step, RunID: r.RunID,
			Size: r.Size, Created: time.Unix(0, r.Created), Used: time.Unix(0, r.Used)}
		delete(ix.uses, r.Key)
	case "u":
		used := time.Unix(0, r.Used)
		if m, ok := ix.rows[r.Key]; ok {
			if used.After(m.Used) {
				m.Used = used
				ix.rows[r.Key] = m
			}
		} else if used.After(ix.uses[r.Key]) {
			ix.uses[r.Key] = used
		}
	case "-":
		delete(ix.rows, r.Key)
		delete(ix.uses, r.Key)
	}
}

// added is the "+" record of an entry.
func added(m Meta) record {
	return record{Op: "+", Key: m.Key, Size: m.Size, Created: m.Created.UnixNano(), Used: m.Used.UnixNano(),
		Pipeline: m.Pipeline, Step: m.Step, RunID: m.RunID}
}

// encodeRecord is one line of the journal.
func encodeRecord(r record) []byte {
	js, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("stepcache: a record of plain fields did not encode: %v", err))
	}
	return append(fmt.Appendf(nil, "%08x ", crc32.ChecksumIEEE(js)), append(js, '\n')...)
}

// encodeIndex is the compacted journal of rows, in key order.
func encodeIndex(rows map[string]Meta) []byte {
	out := []byte(indexMagic)
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, encodeRecord(added(rows[k]))...)
	}
	return out
}
