package docker

import "context"

// Listening exposes the heartbeat's check to the external tests.
func (e *Engine) Listening(ctx context.Context) error { return e.listening(ctx) }

// HeartbeatEvery is how often the heartbeat checks, for the tests to hold
// a check against.
const HeartbeatEvery = heartbeatEvery
