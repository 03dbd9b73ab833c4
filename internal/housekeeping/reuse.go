package housekeeping

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/stepcache"
)

// ReuseOptions are the settings of ListReuse and PruneReuse, over the
// reuse store of unchanged steps.
type ReuseOptions struct {
	// Dir is the store's directory. A missing one is an empty store, and
	// is not created.
	Dir string
	// Bound is the store's size bound as runs apply it (0: the default),
	// shown beside its total.
	Bound int64
	// Pipeline, when not empty, selects the entries of one pipeline: a
	// pipeline file's path, or its name without extension (as a
	// pipeline is called unless pipeline { name } says otherwise).
	Pipeline string
	// OlderThan, when > 0, makes PruneReuse remove the entries not used for
	// that long; MaxBytes, when > 0, the least recently used ones until
	// the (selected) rest fit in it. With neither, it removes all.
	OlderThan time.Duration
	MaxBytes  int64
	// DryRun makes PruneReuse say what it would remove, removing nothing.
	DryRun bool
	// Stdout gets the table, or a line per entry removed and a summary.
	Stdout io.Writer
	// Now is the clock OlderThan is measured on; nil means time.Now.
	Now func() time.Time
}

// openReuse opens the store, or returns nil if there is none.
func openReuse(o *ReuseOptions) (*stepcache.Store, error) {
	if _, err := os.Stat(o.Dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	s, err := stepcache.Open(o.Dir, stepcache.Options{MaxBytes: o.Bound})
	if err != nil {
		return nil, errkind.New(errkind.Engine, err)
	}
	return s, nil
}

// match selects the entries of o.Pipeline.
func (o *ReuseOptions) match(m stepcache.Meta) bool {
	if o.Pipeline == "" {
		return true
	}
	if abs, err := filepath.Abs(o.Pipeline); err == nil && abs == m.Pipeline {
		return true
	}
	base := filepath.Base(m.Pipeline)
	return strings.TrimSuffix(base, filepath.Ext(base)) == o.Pipeline
}

// ListReuse writes the store's total against its bound, then a table of
// its entries (of o.Pipeline, when set), most recently used first.
func ListReuse(o ReuseOptions) error {
	s, err := openReuse(&o)
	if err != nil || s == nil {
		if err == nil {
			fmt.Fprintf(o.Stdout, "reuse store %s: empty\n", o.Dir)
		}
		return err
	}
	all, err := s.List()
	if err != nil {
		return errkind.New(errkind.Engine, err)
	}
	fmt.Fprintf(o.Stdout, "reuse store %s: %s, %s of %s\n", s.Dir(), entries(len(all)), bytesize.Format(total(all)), bytesize.Format(s.MaxBytes()))
	shown := slices.DeleteFunc(slices.Clone(all), func(m stepcache.Meta) bool { return !o.match(m) })
	if len(shown) == 0 {
		return nil
	}
	slices.SortStableFunc(shown, func(a, b stepcache.Meta) int { return cmp.Compare(b.Used.UnixNano(), a.Used.UnixNano()) })
	tw := tabwriter.NewWriter(o.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PIPELINE\tSTEP\tRUN\tSIZE\tCREATED\tLAST USED")
	for _, m := range shown {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Pipeline, m.Step, m.RunID, bytesize.Format(m.Size),
			stamp(m.Created), stamp(m.Used))
	}
	return tw.Flush()
}

// PruneReuse removes entries of the store and says which, with a summary.
func PruneReuse(o ReuseOptions) error {
	verb := "removed"
	if o.DryRun {
		verb = "would remove"
	}
	s, err := openReuse(&o)
	if err != nil || s == nil {
		if err == nil {
			fmt.Fprintf(o.Stdout, "reuse store: %s 0 entries\n", verb)
		}
		return err
	}
	removed, err := s.Prune(stepcache.PruneOptions{Match: o.match, All: o.OlderThan <= 0 && o.MaxBytes <= 0,
		OlderThan: o.OlderThan, MaxBytes: o.MaxBytes, DryRun: o.DryRun, Now: o.Now})
	for _, m := range removed {
		fmt.Fprintf(o.Stdout, "%s reuse entry of step %s of %s (run %s, %s, last used %s)\n",
			verb, m.Step, m.Pipeline, m.RunID, bytesize.Format(m.Size), stamp(m.Used))
	}
	if err != nil {
		return errkind.New(errkind.Engine, err)
	}
	rest, err := s.List()
	if err != nil {
		return errkind.New(errkind.Engine, err)
	}
	left := total(rest)
	if o.DryRun {
		left -= total(removed)
	}
	fmt.Fprintf(o.Stdout, "reuse store: %s %s (%s); %s left\n", verb, entries(len(removed)), bytesize.Format(total(removed)), bytesize.Format(left))
	return nil
}

func total(ms []stepcache.Meta) int64 {
	var n int64
	for _, m := range ms {
		n += m.Size
	}
	return n
}

func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

func stamp(t time.Time) string { return t.Local().Truncate(time.Second).Format(time.RFC3339) }
