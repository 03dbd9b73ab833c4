package executor_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every goroutine the executor starts (workers, stoppers, pulls) must be
// gone when a run returns.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
