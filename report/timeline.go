package report

import (
	"fmt"
	"html/template"
	"math"
	"time"
)

// timeline is the Gantt chart's scale: the run's span, and where each step
// waited and ran within it, in percent of the width.
type timeline struct {
	start time.Time
	span  time.Duration
	Ticks []tick
}

type tick struct {
	Style template.CSS
	Label string
}

// bar places a step on the timeline; Wait is the queued-to-started segment.
type bar struct {
	Run, Wait template.CSS
	HasWait   bool
}

func newTimeline(r *Report) timeline {
	start, end := r.Started, r.Finished
	for _, s := range r.Steps {
		for _, t := range []*time.Time{s.Queued, s.Started, s.Finished} {
			if t == nil {
				continue
			}
			if start.IsZero() || t.Before(start) {
				start = *t
			}
			if t.After(end) {
				end = *t
			}
		}
	}
	tl := timeline{start: start, span: max(end.Sub(start), time.Millisecond)}
	step := niceStep(tl.span / 6)
	for d := time.Duration(0); d <= tl.span; d += step {
		tl.Ticks = append(tl.Ticks, tick{Style: tl.left(d), Label: formatDuration(d)})
	}
	return tl
}

func (tl timeline) pct(d time.Duration) float64 {
	return math.Round(float64(d)/float64(tl.span)*1e5) / 1e3
}

func (tl timeline) left(d time.Duration) template.CSS {
	return template.CSS(fmt.Sprintf("left:%g%%", tl.pct(d)))
}

// bar returns nil for a step that never ran.
func (tl timeline) bar(s *Step) *bar {
	if s.Started == nil {
		return nil
	}
	end := *s.Started
	if s.Finished != nil {
		end = *s.Finished
	}
	b := &bar{Run: tl.segment(*s.Started, end)}
	if s.Queued != nil && s.Queued.Before(*s.Started) {
		b.Wait, b.HasWait = tl.segment(*s.Queued, *s.Started), true
	}
	return b
}

func (tl timeline) segment(from, to time.Time) template.CSS {
	l := tl.pct(from.Sub(tl.start))
	w := tl.pct(to.Sub(from))
	return template.CSS(fmt.Sprintf("left:%g%%;width:%g%%", l, w))
}

// niceStep rounds d up to 1, 2 or 5 times a power of ten (in ms), so the
// axis reads 0s, 2s, 4s rather than 0s, 1.83s, 3.66s.
func niceStep(d time.Duration) time.Duration {
	ms := max(float64(d)/float64(time.Millisecond), 1)
	pow := math.Pow(10, math.Floor(math.Log10(ms)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= ms {
			return time.Duration(m*pow) * time.Millisecond
		}
	}
	return time.Duration(10*pow) * time.Millisecond
}

// formatDuration is short and human: 0s, 850ms, 1.5s, 2m05s, 1h02m.
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < 10*time.Second:
		return trimZero(fmt.Sprintf("%.2f", d.Seconds())) + "s"
	case d < time.Minute:
		return trimZero(fmt.Sprintf("%.1f", d.Seconds())) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func trimZero(s string) string {
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}
