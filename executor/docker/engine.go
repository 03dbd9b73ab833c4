// Package docker implements executor.Engine over the Docker Engine API with
// github.com/moby/moby/client. It is the only package of runjob that imports
// moby.
//
// The client is configured like the docker CLI (DOCKER_HOST, DOCKER_API_VERSION,
// DOCKER_CERT_PATH, DOCKER_TLS_VERIFY) and negotiates the API version down to
// what the daemon speaks, so Debian's 20.10 engine (API 1.41) works as well
// as current ones.
package docker

import (
	"context"
	"fmt"
	"sync"

	"github.com/moby/moby/client"
	"golang.org/x/sync/singleflight"

	"github.com/runjob/runjob/executor"
)

// Engine is an executor.Engine backed by a Docker daemon.
type Engine struct {
	cli *client.Client

	// pulls collapses concurrent pulls of one image into one; ready
	// remembers images known to be present, so each is checked once a run.
	pulls singleflight.Group
	mu    sync.Mutex
	ready map[string]bool
}

var _ executor.Engine = (*Engine)(nil)

// New returns an Engine configured from the environment like the docker CLI.
// It does not contact the daemon; call Ping for that.
func New(opts ...client.Opt) (*Engine, error) {
	cli, err := client.New(append([]client.Opt{client.FromEnv}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	return &Engine{cli: cli, ready: map[string]bool{}}, nil
}

// Close releases the client's connections.
func (e *Engine) Close() error { return e.cli.Close() }

// Host returns the daemon address the engine talks to, e.g.
// unix:///var/run/docker.sock.
func (e *Engine) Host() string { return e.cli.DaemonHost() }

// APIVersion returns the API version in use (after negotiation, once Ping
// has been called).
func (e *Engine) APIVersion() string { return e.cli.ClientVersion() }

// Ping checks the daemon answers and negotiates the API version.
func (e *Engine) Ping(ctx context.Context) error {
	if _, err := e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return &UnreachableError{Host: e.Host(), Err: err}
	}
	return nil
}

// UnreachableError says the daemon did not answer at Host.
type UnreachableError struct {
	Host string
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the Docker engine at %s: %v", e.Host, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// ServerVersion returns the daemon's version and the newest API version it
// speaks.
func (e *Engine) ServerVersion(ctx context.Context) (version, apiVersion string, err error) {
	v, err := e.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", "", fmt.Errorf("server version: %w", err)
	}
	return v.Version, v.APIVersion, nil
}
