package artifacts

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// ManifestVersion is the "version" written in every manifest; [ReadManifest]
// refuses any other.
const ManifestVersion = 1

// Manifest describes a directory tree: one entry per file, directory and
// symlink below its root (the root itself is not listed). [Extract] and
// [ManifestOf] return it sorted by path in byte order.
//
// Its JSON form, written by [WriteManifest] and by json.Marshal, is
//
//	{"version":1,"entries":[
//	{"path":"bin/app","type":"file","size":1234,"mode":"0755","sha256":"9f86d0…"},
//	{"path":"docs","type":"dir","size":0,"mode":"0755"},
//	{"path":"latest","type":"symlink","size":0,"target":"bin/app"}
//	]}
//
// with one entry per line in path order, so that two manifests of the same
// tree are byte-identical and diff line by line. Fields:
//
//   - path: slash-separated, relative to the tree's root;
//   - type: "file", "dir" or "symlink" (a hard link is listed as a "file"
//     with its target's content);
//   - size: content bytes; 0 for directories and symlinks;
//   - mode: permission bits as a 4-digit octal string; absent for symlinks,
//     whose own bits mean nothing on Linux;
//   - sha256: lowercase hex digest of the content, files only;
//   - target: the link's target exactly as stored, symlinks only.
//
// Modification times are deliberately left out: a manifest identifies
// content, and the same content built twice should yield the same manifest.
// Paths are JSON strings, so a name that is not valid UTF-8 is written with
// U+FFFD in place of its bad bytes and no longer matches once read back;
// a manifest held in memory is exact.
type Manifest []ManifestEntry

// EntryType is the kind of a [ManifestEntry].
type EntryType string

// Manifest entry types.
const (
	TypeFile    EntryType = "file"
	TypeDir     EntryType = "dir"
	TypeSymlink EntryType = "symlink"
)

// ManifestEntry is one path of a [Manifest]; see there for the meaning of
// each field.
type ManifestEntry struct {
	Path   string
	Type   EntryType
	Size   int64
	Mode   fs.FileMode // permission bits only
	SHA256 string
	Target string
}

// entryJSON is the wire form of a ManifestEntry.
type entryJSON struct {
	Path   string    `json:"path"`
	Type   EntryType `json:"type"`
	Size   int64     `json:"size"`
	Mode   string    `json:"mode,omitempty"`
	SHA256 string    `json:"sha256,omitempty"`
	Target string    `json:"target,omitempty"`
}

// MarshalJSON writes the documented wire form.
func (e ManifestEntry) MarshalJSON() ([]byte, error) {
	w := entryJSON{Path: e.Path, Type: e.Type, Size: e.Size, SHA256: e.SHA256, Target: e.Target}
	if e.Type != TypeSymlink {
		w.Mode = fmt.Sprintf("%04o", uint32(e.Mode.Perm()))
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the wire form, checking type and mode.
func (e *ManifestEntry) UnmarshalJSON(b []byte) error {
	var w entryJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	switch w.Type {
	case TypeFile, TypeDir, TypeSymlink:
	default:
		return fmt.Errorf("manifest entry %q: unknown type %q", w.Path, w.Type)
	}
	*e = ManifestEntry{Path: w.Path, Type: w.Type, Size: w.Size, SHA256: w.SHA256, Target: w.Target}
	if w.Type == TypeSymlink {
		return nil
	}
	mode, err := strconv.ParseUint(w.Mode, 8, 32)
	if err != nil || mode > uint64(fs.ModePerm) {
		return fmt.Errorf("manifest entry %q: mode %q is not octal permission bits", w.Path, w.Mode)
	}
	e.Mode = fs.FileMode(mode)
	return nil
}

// MarshalJSON writes the documented envelope, entries sorted by path.
func (m Manifest) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	err := m.encode(&buf)
	return buf.Bytes(), err
}

// UnmarshalJSON reads the envelope and refuses unknown versions.
func (m *Manifest) UnmarshalJSON(b []byte) error {
	var env struct {
		Version *int            `json:"version"`
		Entries []ManifestEntry `json:"entries"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	if env.Version == nil || *env.Version != ManifestVersion {
		return fmt.Errorf("manifest: unsupported version (want %d)", ManifestVersion)
	}
	*m = env.Entries
	return nil
}

// encode writes the envelope with one entry per line.
func (m Manifest) encode(w io.Writer) error {
	if !slices.IsSortedFunc(m, byPath) {
		m = slices.SortedFunc(slices.Values(m), byPath)
	}
	fmt.Fprintf(w, `{"version":%d,"entries":[`, ManifestVersion)
	for i, e := range m {
		b, err := e.MarshalJSON()
		if err != nil {
			return err
		}
		sep := ",\n"
		if i == 0 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(w, "%s%s", sep, b); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n]}\n")
	return err
}

func byPath(a, b ManifestEntry) int { return cmp.Compare(a.Path, b.Path) }

// WriteManifest writes m as JSON to path, atomically: the file is written
// beside path and renamed over it, so a reader never sees half a manifest.
func WriteManifest(path string, m Manifest) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	bw := bufio.NewWriter(tmp)
	err = m.encode(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write manifest %s: %w", path, err)
	}
	return nil
}

// ReadManifest reads a manifest written by [WriteManifest].
func ReadManifest(path string) (Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", path, err)
	}
	return m, nil
}
