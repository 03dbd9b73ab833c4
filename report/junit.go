package report

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
)

// JUnitTailLines is how many of a failed step's last log lines its
// <failure> body holds.
const JUnitTailLines = 50

// junitTailBytes bounds how much log is read to find those lines.
const junitTailBytes = 256 << 10

// The JUnit XML shape read by Jenkins, GitLab, GitHub test reporters and
// friends (Ant's junit task output, as in Jenkins' junit-10.xsd).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr,omitempty"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []junitCase     `xml:"testcase"`
	}
	junitProperties struct {
		List []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		ClassName string `xml:"classname,attr"`
		Name      string `xml:"name,attr"`
		Time      string `xml:"time,attr"`
		// Properties come first, as in Surefire's schema (Jenkins' junit
		// plugin reads them); nil for none.
		Properties *junitProperties `xml:"properties"`
		Failure    *junitMessage    `xml:"failure"`
		Error      *junitMessage    `xml:"error"`
		Skipped    *junitMessage    `xml:"skipped"`
		SystemOut  *junitText       `xml:"system-out"`
	}
	junitMessage struct {
		Message string `xml:"message,attr,omitempty"`
		Type    string `xml:"type,attr,omitempty"`
		// Body is CDATA so that log lines stay readable in the file.
		Body string `xml:",cdata"`
	}
	junitText struct {
		Body string `xml:",cdata"`
	}
)

// WriteJUnit writes r as JUnit XML: one <testsuite> named after the
// pipeline, one <testcase> per step (classname: the pipeline, name: the
// step, time: seconds). A failed or timed-out step gets a <failure> whose
// message is its error and whose body is the last JUnitTailLines lines of
// its log (read from r.Dir); an engine error gets <error>; skipped and
// cancelled steps get <skipped>; an allowed failure passes, with a
// <system-out> saying so; a reused step passes, with a reused_from
// property and a <system-out> naming the run it was taken from.
func WriteJUnit(w io.Writer, r *Report) error {
	suite := junitSuite{
		Name: r.Pipeline, Tests: len(r.Steps), Time: seconds(r.DurationMS),
		Properties: []junitProperty{{"run_id", r.RunID}, {"status", r.Status}},
	}
	if !r.Started.IsZero() {
		suite.Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
	}
	if r.File != "" {
		suite.Properties = append(suite.Properties, junitProperty{"file", r.File})
	}
	for i := range r.Steps {
		s := &r.Steps[i]
		c := junitCase{ClassName: r.Pipeline, Name: s.Name, Time: seconds(s.DurationMS)}
		msg := xmlSafe(cmp.Or(s.Error, s.Status))
		switch outcomeOf(s.Status) {
		case outcomeFailure:
			c.Failure = &junitMessage{Message: msg, Type: s.Status, Body: junitTail(r, s)}
			suite.Failures++
		case outcomeError:
			c.Error = &junitMessage{Message: msg, Type: s.Status, Body: junitTail(r, s)}
			suite.Errors++
		case outcomeSkipped:
			c.Skipped = &junitMessage{Message: s.Status + ": " + msg}
			suite.Skipped++
		case outcomeAllowed:
			c.SystemOut = &junitText{Body: "allowed failure: " + msg + "\n" + junitTail(r, s)}
		case outcomePassed:
			if s.ReusedFrom != "" {
				// It passed, in the run it was taken from: say which.
				c.Properties = &junitProperties{[]junitProperty{{"reused_from", s.ReusedFrom}}}
				c.SystemOut = &junitText{Body: "reused from run " + s.ReusedFrom + "\n"}
			}
		}
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Name: "runjob", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitTail is the end of the step's log as plain text, stderr lines
// included, with a line saying where the whole log is.
func junitTail(r *Report, s *Step) string {
	if s.Log == nil {
		return ""
	}
	tail, err := r.ReadLogTail(s, junitTailBytes)
	if err != nil {
		return "(log unavailable: " + err.Error() + ")\n"
	}
	lines := tail.Lines
	if len(lines) > JUnitTailLines {
		lines = lines[len(lines)-JUnitTailLines:]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- last %d of %d lines; full log: %s ---\n", countOutput(lines), s.Log.Lines, fullLog(r, s.Log))
	for _, l := range lines {
		b.WriteString(xmlSafe(displayText(l.Text)))
		b.WriteByte('\n')
	}
	return b.String()
}

// fullLog names the files that hold the whole log: the combined log of a
// schema 1 record, else the two streams.
func fullLog(r *Report, l *Log) string {
	if l.Index == "" && l.Path != "" {
		return filepath.ToSlash(filepath.Join(r.Dir, l.Path))
	}
	return filepath.ToSlash(filepath.Join(r.Dir, l.Stdout)) + " and " + path.Ext(l.Stderr)
}

func countOutput(lines []LogLine) int {
	n := 0
	for _, l := range lines {
		if l.Stream != "" {
			n++
		}
	}
	return n
}

// seconds renders milliseconds as JUnit's decimal seconds.
func seconds(ms int64) string { return fmt.Sprintf("%d.%03d", ms/1000, ms%1000) }

// xmlSafe replaces the characters XML 1.0 cannot carry at all, not even
// escaped (control characters other than tab, newline and carriage
// return), with U+FFFD. Its input is valid UTF-8.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return '\uFFFD'
		}
		return r
	}, s)
}
