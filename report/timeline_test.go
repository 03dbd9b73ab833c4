package report

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 850 * time.Millisecond: "850ms", 1500 * time.Millisecond: "1.5s", 2 * time.Second: "2s",
		12340 * time.Millisecond: "12.3s", 125 * time.Second: "2m05s", 62 * time.Minute: "1h02m",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// Axis steps are 1, 2 or 5 times a power of ten, and never too fine.
func TestNiceStep(t *testing.T) {
	for d, want := range map[time.Duration]time.Duration{
		0: time.Millisecond, 1350 * time.Millisecond: 2 * time.Second, 3 * time.Second: 5 * time.Second,
		7 * time.Second: 10 * time.Second, 180 * time.Millisecond: 200 * time.Millisecond,
	} {
		if got := niceStep(d); got != want {
			t.Errorf("niceStep(%v) = %v, want %v", d, got, want)
		}
	}
}

// Bars sit at their share of the run: the fixture's run lasts 8.1s.
func TestTimelineBars(t *testing.T) {
	rep := recordFixture(t, t.TempDir())
	tl := newTimeline(rep)
	b := tl.bar(&rep.Steps[4]) // test[go1.22]: 5.6s to 8.0s, queued at 5.5s
	if b == nil || b.Run != "left:69.136%;width:29.63%" || b.Wait != "left:67.901%;width:1.235%" {
		t.Errorf("bar %+v", b)
	}
	if tl.bar(&rep.Steps[6]) != nil {
		t.Error("a skipped step has no bar")
	}
	if len(tl.Ticks) != 5 || tl.Ticks[4].Label != "8s" {
		t.Errorf("ticks %+v, want 0s..8s by 2s", tl.Ticks)
	}
}
