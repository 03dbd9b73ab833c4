//go:build !unix

package executor

import "time"

// pidAlive cannot check elsewhere, so it never declares a run dead.
func pidAlive(int) bool { return true }

func processStart(int) (time.Time, bool) { return time.Time{}, false }
