// Package docker implements executor.Engine over the Docker Engine API with
// github.com/moby/moby/client. It is the only package of runjob that imports
// moby.
//
// The client is configured like the docker CLI (DOCKER_HOST, DOCKER_API_VERSION,
// DOCKER_CERT_PATH, DOCKER_TLS_VERIFY) and negotiates the API version down to
// what the daemon speaks, so Debian's 20.10 engine (API 1.41) works as well
// as current ones. Docker CLI contexts (DOCKER_CONTEXT, `docker context use`)
// are followed as the docker CLI does (see context.go).
package docker

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

// Engine is an executor.Engine backed by a Docker daemon. It holds no
// state but the client and the heartbeat its running steps share: the
// executor deduplicates pulls per run.
type Engine struct {
	cli *client.Client
	ssh *sshRemote // an ssh:// engine (ssh.go), else nil
	// verified: TLS that checks the daemon's certificate (DOCKER_CERT_PATH
	// with DOCKER_TLS_VERIFY, or a context's CA).
	verified bool
	// CallTimeout bounds creating and starting a container (0:
	// DefaultCallTimeout).
	CallTimeout time.Duration

	beatMu sync.Mutex
	beat   *beat // while steps run (listening.go)

	flavorMu    sync.Mutex
	flavorKnown bool
	podman      bool   // Podman's Docker-compatible API (podman.go)
	libpodAPI   string // its own API's version, e.g. 4.3.1
	// version is the daemon's version (e.g. 20.10.24+dfsg1), once the
	// flavor is known; a StuckError names it.
	version atomic.Value

	healthMu   sync.Mutex
	healthRuns map[string]time.Time // Podman health checks runjob ran (podman_health.go)

	swarmMu      sync.Mutex
	swarmKnown   bool // swarmManager is known (from the ping or asked)
	swarmManager bool
}

var _ executor.Engine = (*Engine)(nil)

// New returns an Engine configured from the environment like the docker CLI.
// It does not contact the daemon; call Ping for that.
func New(opts ...client.Opt) (*Engine, error) {
	ctxOpts, remote, ctxVerified, err := contextOpts()
	if err != nil {
		return nil, err
	}
	base := append([]client.Opt{client.FromEnv}, ctxOpts...)
	cli, err := client.New(append(base, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	// client.FromEnv verifies the daemon's certificate only with both set.
	envVerified := os.Getenv("DOCKER_CERT_PATH") != "" && os.Getenv("DOCKER_TLS_VERIFY") != ""
	return &Engine{cli: cli, ssh: remote, verified: ctxVerified || envVerified}, nil
}

// FromClient returns an Engine over cli, configured by its caller: how
// executor/swarm drives each node of a swarm, at the address the node's
// label names, with the TLS material it chose. Call Ping before use, to
// negotiate the API version.
func FromClient(cli *client.Client) *Engine { return &Engine{cli: cli} }

// VerifiesTLS reports whether the engine is reached over TLS that checks
// the daemon's certificate against a CA: DOCKER_CERT_PATH with
// DOCKER_TLS_VERIFY, or a docker context's TLS material. (ssh:// and
// unix:// need none.)
func (e *Engine) VerifiesTLS() bool { return e.verified }

// Client returns the engine's API client, for executor/swarm, which speaks
// the swarm API (nodes, services, tasks) to the same daemon.
func (e *Engine) Client() *client.Client { return e.cli }

// IsSwarmManager reports whether the daemon is a manager of a Docker
// Swarm: as the last Ping said (the Swarm header of GET /_ping, API 1.42+),
// else as GET /swarm answers (only a manager answers it). Any failure to
// tell counts as no.
func (e *Engine) IsSwarmManager(ctx context.Context) bool {
	e.swarmMu.Lock()
	defer e.swarmMu.Unlock()
	if !e.swarmKnown {
		_, err := e.cli.SwarmInspect(ctx, client.SwarmInspectOptions{})
		e.swarmKnown, e.swarmManager = err == nil, err == nil
	}
	return e.swarmManager
}

// Close releases the client's connections.
func (e *Engine) Close() error { return e.cli.Close() }

// Host returns the daemon address the engine talks to, e.g.
// unix:///var/run/docker.sock or ssh://me@build-host.
func (e *Engine) Host() string {
	if e.ssh != nil {
		return e.ssh.url
	}
	return e.cli.DaemonHost()
}

// APIVersion returns the API version in use (after negotiation, once Ping
// has been called).
func (e *Engine) APIVersion() string { return e.cli.ClientVersion() }

// Ping checks the daemon answers and negotiates the API version.
func (e *Engine) Ping(ctx context.Context) error {
	res, err := e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		return &UnreachableError{Host: e.Host(), Err: err}
	}
	if res.SwarmStatus != nil {
		e.swarmMu.Lock()
		e.swarmKnown, e.swarmManager = true, res.SwarmStatus.ControlAvailable
		e.swarmMu.Unlock()
	}

	// The ping may have ridden a pooled connection to a daemon that is
	// shutting down (see listening.go).
	return e.listening(ctx)
}

// ServerVersion returns the daemon's version and the newest API version it
// speaks.
func (e *Engine) ServerVersion(ctx context.Context) (version, apiVersion string, err error) {
	v, err := e.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", "", fmt.Errorf("server version: %w", err)
	}
	return v.Version, v.APIVersion, nil
}
