//go:build !unix

package executor

import "os"

// lockDir cannot lock elsewhere; tryLockDir then never declares a staging
// directory abandoned.
func lockDir(*os.File) error { return nil }

func tryLockDir(*os.File) (bool, error) { return false, nil }
