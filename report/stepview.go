package report

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/runjob/runjob/internal/bytesize"
)

// stepView is one step as the page shows it.
type stepView struct {
	*Step
	// ID keys the step's anchors (log-ID); it is the declaration index,
	// since step names may hold characters that make awkward fragments.
	ID        string
	Class     string
	Exit      string
	Duration  string
	Offset    string
	Bar       *bar
	Tooltip   string
	OpenLog   bool
	Log       logView
	Artifacts []artifactView
}

type logView struct {
	Lines []logLine
	// Note says what part of the log is shown, when not all of it.
	Note  string
	Error string
}

type logLine struct {
	N     int64 // 0 for a marker
	Class string
	Text  string
}

type artifactView struct {
	*Artifact
	Href string
	Rows []ManifestEntry
	More int
}

func newStepView(r *Report, i int, tl timeline, opts HTMLOptions) (*stepView, error) {
	s := &r.Steps[i]
	v := &stepView{Step: s, ID: fmt.Sprint("s", i), Class: statusClass(s.Status), Exit: "–", Duration: "–",
		Bar: tl.bar(s), OpenLog: outcomeOf(s.Status) == outcomeFailure || outcomeOf(s.Status) == outcomeError}
	if s.ExitCode != nil {
		v.Exit = fmt.Sprint(*s.ExitCode)
	}
	if s.OOMKilled {
		v.Exit += " (OOM)"
	}
	if s.Started != nil {
		v.Duration = formatDuration(time.Duration(s.DurationMS) * time.Millisecond)
		v.Offset = "+" + formatDuration(s.Started.Sub(tl.start).Round(time.Millisecond))
	}
	v.Tooltip = s.Name + " — " + s.Status
	if s.ReusedFrom != "" {
		v.Tooltip += " from run " + s.ReusedFrom
	}
	if s.Started != nil {
		v.Tooltip += ", " + v.Duration + " from " + v.Offset
	}
	if s.Queued != nil && s.Started != nil {
		v.Tooltip += fmt.Sprintf(" (waited %s)", formatDuration(s.Started.Sub(*s.Queued).Round(time.Millisecond)))
	}
	v.Log = newLogView(r, s, opts.LogBytes)
	for k := range s.Artifacts {
		a := &s.Artifacts[k]
		av := artifactView{Artifact: a, Href: relHref(r.Dir, a.Dir), Rows: a.Manifest}
		if len(av.Rows) > opts.ManifestRows {
			av.Rows, av.More = av.Rows[:opts.ManifestRows], len(av.Rows)-opts.ManifestRows
		}
		v.Artifacts = append(v.Artifacts, av)
	}
	return v, nil
}

// newLogView reads the step's log tail. A log that cannot be read is shown
// as such rather than failing the whole page.
func newLogView(r *Report, s *Step, maxBytes int) logView {
	if s.Log == nil {
		return logView{}
	}
	var lv logView
	tail, err := r.ReadLogTail(s, int64(maxBytes))
	if err != nil {
		lv.Error = err.Error()
		return lv
	}
	outputs := int64(0)
	for _, l := range tail.Lines {
		if l.Stream != "" {
			outputs++
		}
	}
	n := max(1, s.Log.Lines-outputs+1)
	for _, l := range tail.Lines {
		ll := logLine{Class: "m", Text: displayText(l.Text)}
		if l.Stream != "" {
			ll.N, ll.Class = n, "o"
			if l.Stream == "stderr" {
				ll.Class = "e"
			}
			n++
		}
		lv.Lines = append(lv.Lines, ll)
	}
	if tail.Truncated {
		lv.Note = fmt.Sprintf("Showing the last %d of %d lines (%s of %s).", outputs, s.Log.Lines,
			bytesize.Format(int64(maxBytes)), bytesize.Format(tail.Size))
	}
	return lv
}

// relHref links from the run directory to dir, relative so the record
// can move with the artifacts; "" when no sensible link exists.
func relHref(runDir, dir string) string {
	if runDir == "" || dir == "" {
		return ""
	}
	from, err1 := filepath.Abs(runDir)
	to, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return ""
	}
	rel, err := filepath.Rel(from, to)
	if err != nil {
		return ""
	}
	u := url.URL{Path: filepath.ToSlash(rel) + "/"}
	return u.String()
}

// graphView is the dependency graph as SVG shapes.
type graphView struct {
	W, H  float64
	Nodes []nodeView
	Edges []edgeView
}

type nodeView struct {
	Node
	ID, Class, Title string
	TextX, TextY     float64
	DotX, DotY       float64
}

type edgeView struct {
	D     string
	Class string
}

func newGraphView(l Layout, steps []*stepView) *graphView {
	gv := &graphView{W: l.Width, H: l.Height}
	for i, n := range l.Nodes {
		s := steps[i]
		gv.Nodes = append(gv.Nodes, nodeView{Node: n, ID: s.ID, Class: s.Class, Title: s.Tooltip,
			DotX: n.X + dotCenterX, DotY: n.Y + n.H/2,
			TextX: n.X + labelLeft, TextY: n.Y + n.H/2 + 4})
	}
	for _, e := range l.Edges {
		class := "edge"
		if o := outcomeOf(steps[e.From].Status); o != outcomePassed && o != outcomeAllowed {
			class += " edge-blocked"
		}
		gv.Edges = append(gv.Edges, edgeView{D: edgePath(e.Points), Class: class})
	}
	return gv
}

// edgePath joins the points with curves that leave and arrive horizontally,
// and with straight lines where they already run level.
func edgePath(pts []Point) string {
	var b strings.Builder
	f := func(v float64) string { return fmt.Sprintf("%.1f", v) }
	b.WriteString("M" + f(pts[0].X) + " " + f(pts[0].Y))
	for k := 1; k < len(pts); k++ {
		p, q := pts[k-1], pts[k]
		if p.Y == q.Y {
			b.WriteString(" L" + f(q.X) + " " + f(q.Y))
			continue
		}
		mid := (p.X + q.X) / 2
		fmt.Fprintf(&b, " C%s %s %s %s %s %s", f(mid), f(p.Y), f(mid), f(q.Y), f(q.X), f(q.Y))
	}
	return b.String()
}
