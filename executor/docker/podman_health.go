package docker

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Podman runs health checks from systemd timers. Without systemd (in a
// container, on many CI machines) they never run, and a service stays
// "starting" until runjob gives up on it. So on Podman, Inspect runs a due
// check itself through Podman's own API, as `podman healthcheck run` does,
// and reports the status that check leaves: Podman still keeps the streak
// and decides healthy or unhealthy by the container's retries.

// defaultHealthInterval is the engines' interval when none is set.
const defaultHealthInterval = 30 * time.Second

// podmanHealth returns the container's health after running its check when
// one is due: an interval after it started, then an interval after the
// last run. A check that cannot run leaves status as it was.
func (e *Engine) podmanHealth(ctx context.Context, c container.InspectResponse, status string) string {
	if c.Config == nil || c.State == nil || !c.State.Running {
		return status
	}
	hc := c.Config.Healthcheck
	if hc == nil || len(hc.Test) == 0 || hc.Test[0] == "NONE" {
		return status
	}
	interval := hc.Interval
	if interval <= 0 {
		interval = defaultHealthInterval
	}
	now := time.Now()
	e.healthMu.Lock()
	last, ok := e.healthRuns[c.ID]
	if !ok {
		last, _ = time.Parse(time.RFC3339Nano, c.State.StartedAt)
	}
	due := now.Sub(last) >= interval
	if due {
		if e.healthRuns == nil {
			e.healthRuns = map[string]time.Time{}
		}
		e.healthRuns[c.ID] = now
	}
	e.healthMu.Unlock()
	if !due {
		return status
	}
	got, err := e.runPodmanHealthcheck(ctx, c.ID)
	if err != nil {
		return status
	}
	return got
}

// runPodmanHealthcheck is GET /libpod/containers/{id}/healthcheck: Podman
// runs the check once, records it, and answers with the health it leaves.
// The moby client knows no libpod endpoint, so the request rides the
// client's own dialer (Podman's service speaks plain HTTP: it has no TLS).
func (e *Engine) runPodmanHealthcheck(ctx context.Context, id string) (string, error) {
	dial := e.cli.Dialer()
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return dial(ctx) },
	}}
	defer hc.CloseIdleConnections()
	u := url.URL{Scheme: "http", Host: client.DummyHost, Path: "/v" + e.libpodVersion() + "/libpod/containers/" + id + "/healthcheck"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("healthcheck %s: %w", shortID(id), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("healthcheck %s: %s", shortID(id), resp.Status)
	}
	var h struct{ Status string }
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return "", fmt.Errorf("healthcheck %s: %w", shortID(id), err)
	}
	return h.Status, nil
}

// libpodVersion is the version of Podman's own API, as IsPodman learnt it.
func (e *Engine) libpodVersion() string {
	e.flavorMu.Lock()
	defer e.flavorMu.Unlock()
	return cmp.Or(e.libpodAPI, "4.0.0")
}

// forgetHealth drops what podmanHealth remembers of a removed container.
func (e *Engine) forgetHealth(id string) {
	e.healthMu.Lock()
	delete(e.healthRuns, id)
	e.healthMu.Unlock()
}
