package artifacts

import (
	"errors"
	"fmt"
)

// ErrUnsafeEntry is wrapped by every [*UnsafeEntryError], so callers can test
// for a refused archive with errors.Is.
var ErrUnsafeEntry = errors.New("unsafe archive entry")

// ErrLeavesRoot is wrapped when [PackOptions.Within] is set and the source
// path goes through a symlink that leads out of that directory.
var ErrLeavesRoot = errors.New("symlink leads out of the allowed directory")

// ErrTooLarge is wrapped when the archive holds more file content than
// [Options.MaxBytes] allows.
var ErrTooLarge = errors.New("archive content exceeds size limit")

// ErrTooManyEntries is wrapped when an archive holds more entries than
// [Options.MaxEntries] allows: millions of empty files cost no bytes but
// still fill a disk's inodes and a manifest's memory.
var ErrTooManyEntries = errors.New("archive has too many entries")

// ErrMismatch is wrapped by [Verify] when a directory does not match its
// manifest.
var ErrMismatch = errors.New("directory does not match manifest")

// UnsafeEntryError reports an archive entry that was refused because
// extracting it could escape the destination or create something a build
// artifact has no business being (a device node, a fifo...).
type UnsafeEntryError struct {
	// Name is the entry name exactly as it appears in the archive; for
	// [Pack], the path relative to the source directory.
	Name string
	// Reason says why the entry was refused, for humans.
	Reason string
}

// Error names the entry, quoted so hostile names cannot forge log lines.
func (e *UnsafeEntryError) Error() string {
	return fmt.Sprintf("%s %q: %s", ErrUnsafeEntry, e.Name, e.Reason)
}

// Unwrap returns [ErrUnsafeEntry].
func (e *UnsafeEntryError) Unwrap() error { return ErrUnsafeEntry }

// unsafeEntry builds an *UnsafeEntryError with a formatted reason.
func unsafeEntry(name, format string, args ...any) error {
	return &UnsafeEntryError{Name: name, Reason: fmt.Sprintf(format, args...)}
}
