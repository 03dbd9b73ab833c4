package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// LogLine is one record of a step's combined log.
type LogLine struct {
	Time time.Time
	// Stream is "stdout" or "stderr"; "" for a marker between attempts (or
	// a line the reader could not parse, kept whole in Text).
	Stream string
	Text   string
}

// LogTail is the end of a step's combined log.
type LogTail struct {
	Lines []LogLine
	// Truncated is true when the log holds more than Lines.
	Truncated bool
	// Size is the step's output in bytes, both streams (for a schema 1
	// record: the combined log file's size).
	Size int64
}

// ReadLogTail reads the end of the step's combined log: the last records
// that, written as the combined log's lines, take at most maxBytes, and
// never a record cut at its start. It reads at most maxBytes of output
// however large the log. It returns an empty tail, no error, for a step
// without a log.
func (r *Report) ReadLogTail(s *Step, maxBytes int64) (LogTail, error) {
	switch {
	case s.Log == nil:
		return LogTail{}, nil
	case s.Log.Index == "" && s.Log.Path != "":
		return r.readLegacyTail(s, maxBytes)
	}
	tail, err := readTail(r.Dir, s.Log, maxBytes)
	if err != nil {
		return LogTail{}, fmt.Errorf("step %q log: %w", s.Name, err)
	}
	return tail, nil
}

func (r *Report) readLegacyTail(s *Step, maxBytes int64) (LogTail, error) {
	f, err := os.Open(filepath.Join(r.Dir, filepath.FromSlash(s.Log.Path)))
	if err != nil {
		return LogTail{}, fmt.Errorf("step %q log: %w", s.Name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return LogTail{}, fmt.Errorf("step %q log: %w", s.Name, err)
	}
	tail := LogTail{Size: st.Size()}
	off := max(0, st.Size()-maxBytes)
	data, err := io.ReadAll(io.NewSectionReader(f, off, st.Size()-off))
	if err != nil {
		return LogTail{}, fmt.Errorf("step %q log: %w", s.Name, err)
	}
	if off > 0 {
		tail.Truncated = true
		// Drop the partial record the cut landed in.
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		} else {
			data = nil
		}
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	if len(data) == 0 {
		return tail, nil
	}
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		tail.Lines = append(tail.Lines, parseRecord(line))
	}
	return tail, nil
}

// parseRecord splits "TIME TAG TEXT"; a line that is not a record is kept
// whole as a marker-like line, so nothing is silently dropped.
func parseRecord(line []byte) LogLine {
	if len(line) < prefixWidth || line[timeWidth] != ' ' || line[prefixWidth-1] != ' ' {
		return LogLine{Text: string(line)}
	}
	t, err := time.Parse(recordTime, string(line[:timeWidth]))
	if err != nil {
		return LogLine{Text: string(line)}
	}
	ll := LogLine{Time: t, Text: string(line[prefixWidth:])}
	switch string(line[timeWidth+1 : prefixWidth-1]) {
	case tagStdout:
		ll.Stream = "stdout"
	case tagStderr:
		ll.Stream = "stderr"
	case tagMarker:
	default:
		return LogLine{Text: string(line)}
	}
	return ll
}

// ansiEscape matches terminal control sequences (CSI and OSC), which mean
// nothing in XML or HTML and would otherwise show as garbage.
var ansiEscape = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])`)

// displayText makes a log line safe to show outside a terminal: control
// sequences removed, invalid UTF-8 replaced.
func displayText(s string) string {
	if strings.IndexByte(s, 0x1b) >= 0 {
		s = ansiEscape.ReplaceAllString(s, "")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
