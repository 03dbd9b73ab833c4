package docker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/docker/cli/cli/connhelper"
	"github.com/moby/moby/client"
)

// An ssh:// engine (DOCKER_HOST or a context's endpoint) is reached the
// way the docker CLI reaches it, with the CLI's own connection helper: each
// connection is the system `ssh` client running `docker system dial-stdio`
// on the remote host, so ~/.ssh/config, agents and known_hosts apply as
// they do to `docker -H ssh://...`. The remote user must be able to use
// the engine there.

// SSHOptsEnv names the environment variable whose whitespace-separated
// words are passed to every ssh invocation, before the host: e.g.
// "-i KEY -o StrictHostKeyChecking=no". No shell quoting is applied.
const SSHOptsEnv = "RUNJOB_SSH_OPTS"

// sshConnectTimeout bounds ssh's TCP connect, below the CLI's first ping
// (15s), so an unreachable host is an error rather than a hang; the
// docker CLI's default is 30s.
const sshConnectTimeout = "10"

// sshRemote is an engine behind ssh: its URL, for messages, and the
// helper's dialer, which the heartbeat uses too.
type sshRemote struct {
	url  string
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// newSSHRemote builds the connection helper for url with the user's
// options (SSHOptsEnv). BatchMode is on unless the user says otherwise:
// runjob runs unattended, and a passphrase or password prompt would hang
// it where a failed authentication should end it.
func newSSHRemote(url string) (*sshRemote, []client.Opt, error) {
	if _, err := exec.LookPath("ssh"); err != nil {
		return nil, nil, fmt.Errorf("docker host %s: %w", url, errNoSSH)
	}
	flags := strings.Fields(os.Getenv(SSHOptsEnv))
	joined := strings.Join(flags, " ")
	if !strings.Contains(joined, "BatchMode") {
		flags = append(flags, "-o", "BatchMode=yes")
	}
	if !strings.Contains(joined, "ConnectTimeout") {
		flags = append(flags, "-o", "ConnectTimeout="+sshConnectTimeout)
	}
	h, err := connhelper.GetConnectionHelperWithSSHOpts(url, flags)
	if err != nil {
		return nil, nil, fmt.Errorf("docker host %s: %w", url, err)
	}
	r := &sshRemote{url: url, dial: h.Dialer}
	return r, []client.Opt{client.WithHost(h.Host), client.WithDialContext(h.Dialer)}, nil
}

// sshListening is listening (listening.go) through ssh: a dial only starts
// a process, so the proof that the daemon accepts connections is a
// /_ping answered on a new one. Only a daemon (or sshd) that refused
// counts as gone; a slow or broken link proves nothing.
func (e *Engine) sshListening(ctx context.Context) error {
	var err error
	for i := range 2 {
		if i > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(probeGap):
			}
		}
		if err = e.ssh.ping(ctx); err == nil || ctx.Err() != nil || !sshRefused(err) {
			return nil
		}
	}
	return &UnreachableError{Host: e.Host(), Err: fmt.Errorf("%w: %w", errStoppedListening, err)}
}

// ping sends GET /_ping on a new ssh connection, bounded by probeTimeout.
func (r *sshRemote) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	c, err := r.dial(ctx, "tcp", "docker.example.com:80")
	if err != nil {
		return err
	}
	// The helper's connection has no deadlines: closing it ends a read
	// that the timeout abandons.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()
	if _, err := c.Write([]byte("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/_ping: %s", resp.Status)
	}
	return nil
}

// sshRefused: the remote docker CLI found no daemon listening, or sshd
// refused the connection. The helper reports both only in ssh's stderr.
func sshRefused(err error) bool {
	if refused(err) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "Connection refused") || strings.Contains(msg, "connection refused") ||
		strings.Contains(msg, "Cannot connect to the Docker daemon") || strings.Contains(msg, "no such file or directory")
}

// errNoSSH is returned for an ssh:// host when no ssh client is installed.
var errNoSSH = errors.New("no ssh client on PATH (an ssh:// engine is reached with the system's ssh)")
