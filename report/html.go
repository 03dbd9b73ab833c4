package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"time"

	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/pipeline"
)

// DefaultHTMLLogBytes is how much of each step's log report.html shows by
// default: the last 128 KiB, so a chatty step cannot bloat the page.
const DefaultHTMLLogBytes = 128 << 10

// HTMLOptions tune WriteHTML.
type HTMLOptions struct {
	// LogBytes bounds each step's log tail (DefaultHTMLLogBytes if <= 0).
	LogBytes int
	// ManifestRows bounds each artifact's manifest table (default 500).
	ManifestRows int
}

var (
	//go:embed html.tmpl
	htmlSource string
	//go:embed style.css
	styleSource string
	//go:embed script.js
	scriptSource string

	htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
		"duration": formatDuration,
		"ms":       func(ms int64) string { return formatDuration(time.Duration(ms) * time.Millisecond) },
		"bytes":    bytesize.Format,
		"utc":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"rfc3339":  func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
		"href":     func(rel string) string { return (&url.URL{Path: rel}).String() },
	}).Parse(htmlSource))
)

// WriteHTML writes r as a single self-contained HTML page: header and
// totals, a timeline of the steps, the dependency graph, a table of steps,
// their logs (the tail, read from r.Dir) and their artifacts. It loads
// nothing from the network and reads well without JavaScript.
func WriteHTML(w io.Writer, r *Report, opts HTMLOptions) error {
	if opts.LogBytes <= 0 {
		opts.LogBytes = DefaultHTMLLogBytes
	}
	if opts.ManifestRows <= 0 {
		opts.ManifestRows = 500
	}
	v, err := newPage(r, opts)
	if err != nil {
		return err
	}
	if err := htmlTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("render report.html: %w", err)
	}
	return nil
}

// page is what html.tmpl renders.
type page struct {
	R        *Report
	Class    string
	Chips    []chip
	Timeline timeline
	Steps    []*stepView
	Graph    *graphView
	// GraphError says why the graph could not be drawn.
	GraphError string
	Artifacts  int
	CSS        template.CSS
	JS         template.JS
}

type chip struct {
	Label, Class string
	N            int
}

func newPage(r *Report, opts HTMLOptions) (*page, error) {
	p := &page{R: r, Class: statusClass(r.Status), Timeline: newTimeline(r),
		CSS: template.CSS(styleSource), JS: template.JS(scriptSource)}
	c := r.Counts
	for _, ch := range []chip{{"ok", "st-ok", c.OK}, {"reused", "st-reused", c.Reused}, {"failed", "st-failed", c.Failed},
		{"timed out", "st-timeout", c.Timeout}, {"allowed to fail", "st-failed_allowed", c.FailedAllowed},
		{"error", "st-error", c.Error}, {"skipped", "st-skipped", c.Skipped},
		{"cancelled", "st-cancelled", c.Cancelled}, {"other", "st-other", c.Other}} {
		if ch.N > 0 {
			p.Chips = append(p.Chips, ch)
		}
	}
	for i := range r.Steps {
		sv, err := newStepView(r, i, p.Timeline, opts)
		if err != nil {
			return nil, err
		}
		p.Steps = append(p.Steps, sv)
		p.Artifacts += len(r.Steps[i].Artifacts)
	}
	g, err := reportGraph(r)
	if err != nil {
		p.GraphError = err.Error()
	} else {
		p.Graph = newGraphView(NewLayout(g), p.Steps)
	}
	return p, nil
}

// reportGraph rebuilds the dependency graph from the report's steps, so a
// report read back from report.json renders the same.
func reportGraph(r *Report) (*pipeline.Graph, error) {
	p := &pipeline.Pipeline{Name: r.Pipeline}
	for _, s := range r.Steps {
		ps := &pipeline.Step{Name: s.Name}
		for _, d := range s.DependsOn {
			ps.DependsOn = append(ps.DependsOn, pipeline.Dependency{Step: d})
		}
		p.Steps = append(p.Steps, ps)
	}
	return pipeline.NewGraph(p)
}

// statusClass is the CSS class for a status; statuses the stylesheet does
// not know share "st-other".
func statusClass(status string) string {
	switch status {
	case statusOK, statusReused, statusFailed, statusFailedAllowed, statusTimeout, statusError, statusSkipped, statusCancelled:
		return "st-" + status
	}
	return "st-other"
}
