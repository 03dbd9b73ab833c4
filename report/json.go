package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteJSON writes r as report.json does: indented, snake_case fields,
// times in RFC 3339 UTC, a trailing newline.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return nil
}

// ReadFile reads a report.json. The report's Dir is the file's directory,
// so its log paths resolve. A report from a newer schema is refused rather
// than misread.
func ReadFile(name string) (*Report, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("read report %s: %w", name, err)
	}
	if r.Schema < 1 || r.Schema > SchemaVersion {
		return nil, fmt.Errorf("read report %s: schema %d is not one this runjob reads (1..%d)", name, r.Schema, SchemaVersion)
	}
	r.Dir = filepath.Dir(name)
	return &r, nil
}
