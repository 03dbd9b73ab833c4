package docker

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/moby/moby/client"
)

// oomEvent reports whether the daemon logged an "oom" event for container
// id since it started. On Engine 20.10 with cgroup v2 the OOM flag in
// inspect is not reliable: the daemon sets it on the cgroup's OOM event and
// then overwrites it with the exit event's own (false) value when the two
// arrive in that order, so a container the kernel killed for memory can
// inspect as OOMKilled=false. The event itself stays in the daemon's
// event log, which this reads back (since the start, until now).
func (e *Engine) oomEvent(ctx context.Context, id string, started time.Time) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if started.IsZero() {
		started = time.Now().Add(-time.Hour)
	}
	now := time.Now()
	f := make(client.Filters).Add("type", "container").Add("container", id).Add("event", "oom")
	// Until now, to the nanosecond: a later bound would hold the stream
	// open for live events until then.
	res := e.cli.Events(ctx, client.EventsListOptions{
		Since:   strconv.FormatInt(started.Unix()-1, 10),
		Until:   fmt.Sprintf("%d.%09d", now.Unix(), now.Nanosecond()),
		Filters: f,
	})
	for {
		select {
		case _, ok := <-res.Messages:
			return ok
		case <-res.Err: // io.EOF at the end of the log, or a failure
			return false
		case <-ctx.Done():
			return false
		}
	}
}
