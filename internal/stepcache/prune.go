package stepcache

import (
	"cmp"
	"slices"
	"time"
)

// PruneOptions say which entries Prune removes: all of them, or those
// matching any of the other rules. The zero value removes nothing (but
// Prune still sweeps dead writers' temps).
type PruneOptions struct {
	// Match, if set, limits Prune to the entries it returns true for (it
	// is given them without Data); MaxBytes then bounds their total.
	Match func(Meta) bool
	// All removes every entry.
	All bool
	// OlderThan, when > 0, removes the entries not used for that long.
	OlderThan time.Duration
	// MaxBytes, when > 0, removes least recently used entries until the
	// rest fit in it.
	MaxBytes int64
	// DryRun returns what would be removed, removing nothing.
	DryRun bool
	// Now is the clock OlderThan is measured on; nil means time.Now.
	Now func() time.Time
}

// List returns every entry (Data left out), least recently used first:
// the order eviction takes them in.
func (s *Store) List() ([]Meta, error) {
	unlock, err := s.lock(exclusive)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rows, err := s.load()
	if err != nil {
		return nil, err
	}
	return lru(rows), nil
}

// Remove removes the entries of keys; a key without one is no error.
func (s *Store) Remove(keys ...string) error {
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return err
		}
	}
	_, err := s.removeWhere(func(rows []Meta) []Meta {
		return slices.DeleteFunc(rows, func(m Meta) bool { return !slices.Contains(keys, m.Key) })
	}, false)
	return err
}

// Prune removes the entries o selects and returns them, least recently
// used first. It also removes the temps of writers that are gone.
func (s *Store) Prune(o PruneOptions) ([]Meta, error) {
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	return s.removeWhere(func(rows []Meta) []Meta {
		if o.Match != nil {
			rows = slices.DeleteFunc(rows, func(m Meta) bool { return !o.Match(m) })
		}
		if o.All {
			return rows
		}
		var total int64
		for _, m := range rows {
			total += m.Size
		}
		var out []Meta
		for _, m := range rows {
			old := o.OlderThan > 0 && now.Sub(m.Used) >= o.OlderThan
			if old || o.MaxBytes > 0 && total > o.MaxBytes {
				out = append(out, m)
				total -= m.Size
			}
		}
		return out
	}, o.DryRun)
}

// evict removes least recently used entries while over the bound.
func (s *Store) evict() error {
	_, err := s.removeWhere(func(rows []Meta) []Meta {
		var total int64
		for _, m := range rows {
			total += m.Size
		}
		n := 0
		for ; n < len(rows) && total > s.maxBytes; n++ {
			total -= rows[n].Size
		}
		return rows[:n]
	}, false)
	return err
}

// removeWhere removes the entries pick chooses from all of them (least
// recently used first). The lock is held to choose and to move them out
// of entries/, not while their files are deleted.
func (s *Store) removeWhere(pick func([]Meta) []Meta, dryRun bool) ([]Meta, error) {
	unlock, err := s.lock(exclusive)
	if err != nil {
		return nil, err
	}
	s.sweep()
	rows, err := s.load()
	if err != nil {
		unlock()
		return nil, err
	}
	victims := pick(lru(rows))
	if dryRun || len(victims) == 0 {
		unlock()
		return victims, nil
	}
	var gone []string
	for _, m := range victims {
		gone = append(gone, s.trash(m.Key))
		delete(rows, m.Key)
	}
	s.at("trashed")
	err = s.writeIndex(rows)
	unlock()
	s.removeTrash(gone...)
	return victims, err
}

// lru orders rows least recently used first (then by key, for ties).
func lru(rows map[string]Meta) []Meta {
	out := make([]Meta, 0, len(rows))
	for _, m := range rows {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Meta) int {
		return cmp.Or(a.Used.Compare(b.Used), cmp.Compare(a.Key, b.Key))
	})
	return out
}
