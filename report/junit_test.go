package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
)

// What a JUnit consumer reads (the Ant/Jenkins junit-10.xsd shape),
// declared independently of the writer's types.
type xsdSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Tests    *int       `xml:"tests,attr"`
	Failures *int       `xml:"failures,attr"`
	Errors   *int       `xml:"errors,attr"`
	Skipped  *int       `xml:"skipped,attr"`
	Time     *string    `xml:"time,attr"`
	Suites   []xsdSuite `xml:"testsuite"`
}

type xsdSuite struct {
	Name      *string   `xml:"name,attr"`
	Tests     *int      `xml:"tests,attr"`
	Failures  *int      `xml:"failures,attr"`
	Errors    *int      `xml:"errors,attr"`
	Skipped   *int      `xml:"skipped,attr"`
	Time      *string   `xml:"time,attr"`
	Timestamp string    `xml:"timestamp,attr"`
	Cases     []xsdCase `xml:"testcase"`
}

type xsdCase struct {
	ClassName *string  `xml:"classname,attr"`
	Name      *string  `xml:"name,attr"`
	Time      *string  `xml:"time,attr"`
	Failure   *xsdText `xml:"failure"`
	Error     *xsdText `xml:"error"`
	Skipped   *xsdText `xml:"skipped"`
	SystemOut *string  `xml:"system-out"`
}

type xsdText struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

func decodeJUnit(t *testing.T, data []byte) xsdSuites {
	t.Helper()
	var doc xsdSuites
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%s", err, data)
	}
	return doc
}

// checkShape verifies the attributes consumers require and that the
// totals agree with the test cases.
func checkShape(t *testing.T, doc xsdSuites) {
	t.Helper()
	if doc.Tests == nil || doc.Failures == nil || doc.Errors == nil || doc.Skipped == nil || doc.Time == nil {
		t.Fatal("<testsuites> lacks one of tests, failures, errors, skipped, time")
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("want one <testsuite>, got %d", len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Name == nil || s.Tests == nil || s.Failures == nil || s.Errors == nil || s.Skipped == nil || s.Time == nil {
		t.Fatal("<testsuite> lacks one of name, tests, failures, errors, skipped, time")
	}
	if _, err := time.Parse("2006-01-02T15:04:05", s.Timestamp); err != nil {
		t.Errorf("timestamp %q is not an xs:dateTime without zone: %v", s.Timestamp, err)
	}
	var failures, errs, skipped int
	for _, c := range s.Cases {
		if c.ClassName == nil || c.Name == nil || c.Time == nil {
			t.Errorf("testcase lacks classname, name or time: %+v", c)
		} else if _, err := strconv.ParseFloat(*c.Time, 64); err != nil {
			t.Errorf("testcase %s: time %q is not a number", *c.Name, *c.Time)
		}
		failures += bool2int(c.Failure != nil)
		errs += bool2int(c.Error != nil)
		skipped += bool2int(c.Skipped != nil)
	}
	for what, pair := range map[string][3]int{
		"tests": {len(s.Cases), *s.Tests, *doc.Tests}, "failures": {failures, *s.Failures, *doc.Failures},
		"errors": {errs, *s.Errors, *doc.Errors}, "skipped": {skipped, *s.Skipped, *doc.Skipped},
	} {
		if pair[0] != pair[1] || pair[0] != pair[2] {
			t.Errorf("%s: %d test cases, suite says %d, suites say %d", what, pair[0], pair[1], pair[2])
		}
	}
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestJUnitFixture(t *testing.T) {
	rep := recordFixture(t, t.TempDir())
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, rep); err != nil {
		t.Fatal(err)
	}
	doc := decodeJUnit(t, buf.Bytes())
	checkShape(t, doc)
	cases := map[string]xsdCase{}
	for _, c := range doc.Suites[0].Cases {
		if *c.ClassName != "ci" {
			t.Errorf("classname %q, want the pipeline", *c.ClassName)
		}
		cases[*c.Name] = c
	}
	if f := cases["test[go1.22]"].Failure; f == nil || f.Message != "exit code 1" ||
		!strings.Contains(f.Body, fixtureMarkup) || !strings.HasSuffix(f.Body, "FAIL\n") {
		t.Errorf("failed step: want <failure message=exit code 1> with the log tail, got %+v", f)
	}
	if c := cases["flaky"]; c.Failure != nil || c.SystemOut == nil || !strings.HasPrefix(*c.SystemOut, "allowed failure: exit code 3") {
		t.Errorf("allowed failure: want a pass with system-out, got %+v", c)
	}
	if c := cases["package"]; c.Skipped == nil || c.Failure != nil {
		t.Errorf("skipped step: want <skipped>, got %+v", c)
	}
	if *cases["build"].Time != "3.600" {
		t.Errorf("build time %q, want 3.600", *cases["build"].Time)
	}
}

// Engine errors, timeouts, cancellations and unknown statuses land in the
// right element; log lines with terminal escapes and bytes XML cannot hold
// still give a well-formed document; the body holds the last 50 lines.
func TestJUnitStatusesAndHostileLogs(t *testing.T) {
	names := []string{"err", "slow", "stop", "new", "noisy"}
	rec, err := NewRecorder(t.TempDir(), "run-j", testGraph(t, names...))
	if err != nil {
		t.Fatal(err)
	}
	o, e := rec.Open("noisy")
	for i := range 80 {
		fmt.Fprintf(o, "line %d \x1b[31mred\x1b[0m \x00\x07\x1b]8;;http://x\x07link\x1b]8;;\x07 \xff ]]> end\n", i)
	}
	closeAll(t, o, e)
	res := finishedResult("run-j", names...)
	for i, st := range []executor.Status{executor.StatusError, "timeout", executor.StatusCancelled, "exploded", executor.StatusFailed} {
		res.Steps[i].Status = st
	}
	rep, err := rec.Finish(res)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, rep); err != nil {
		t.Fatal(err)
	}
	doc := decodeJUnit(t, buf.Bytes())
	checkShape(t, doc)
	c := doc.Suites[0].Cases
	if c[0].Error == nil || c[1].Failure == nil || c[1].Failure.Type != "timeout" || c[2].Skipped == nil || c[3].Failure == nil {
		t.Errorf("want error, failure(timeout), skipped, failure(unknown status); got %+v", c[:4])
	}
	body := c[4].Failure.Body
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) != 1+JUnitTailLines || !strings.HasPrefix(lines[1], "line 30 red ") || !strings.HasPrefix(lines[50], "line 79 ") {
		t.Errorf("want a header and lines 30..79, got %d lines: %q ... %q", len(lines), lines[1], lines[len(lines)-1])
	}
	if want := "line 79 red \uFFFD\uFFFDlink \uFFFD ]]> end"; lines[50] != want {
		t.Errorf("last line %q, want %q", lines[50], want)
	}
	if got := *doc.Suites[0].Name; got != "p" {
		t.Errorf("suite name %q", got)
	}
}
