//go:build !linux

package executor

import "errors"

// exchange is Linux's renameat2 RENAME_EXCHANGE; elsewhere the swap falls
// back to two renames.
func exchange(string, string) error { return errors.ErrUnsupported }
