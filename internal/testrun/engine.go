package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// dockerd is the shared engine scripts/setup.sh started: its socket, and
// the pidfile and log setup.sh gave it. testrun only ever signals the pid
// in that pidfile, and only while it is a dockerd.
type dockerd struct {
	sock, pidfile, logfile string
	setup                  string // scripts/setup.sh
}

// pid returns the daemon's pid, or an error when the pidfile does not name
// a running dockerd (then the engine is not setup.sh's to restart).
func (d dockerd) pid() (int, error) {
	b, err := os.ReadFile(d.pidfile)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("%s: %v", d.pidfile, err)
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil || strings.TrimSpace(string(comm)) != "dockerd" {
		return 0, fmt.Errorf("%s names pid %d, which is no dockerd", d.pidfile, pid)
	}
	return pid, nil
}

// probe lists the engine's networks: the deadlock blocks that, while pings
// still answer.
func (d dockerd) probe(ctx context.Context) error {
	c := http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", d.sock)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/networks", nil)
	if err != nil {
		return err
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /networks: %s", res.Status)
	}
	return nil
}

var stacksWritten = regexp.MustCompile(`goroutine stacks written to (\S+?)"?$`)

// dump asks dockerd for its goroutine stacks (SIGUSR1) and returns the file
// it wrote them to, named in its log, and their text.
func (d dockerd) dump() (path, text string, err error) {
	pid, err := d.pid()
	if err != nil {
		return "", "", err
	}
	st, err := os.Stat(d.logfile)
	if err != nil {
		return "", "", err
	}
	if err := syscall.Kill(pid, syscall.SIGUSR1); err != nil {
		return "", "", err
	}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if path = d.stacksPath(st.Size()); path != "" {
			b, err := os.ReadFile(path)
			return path, string(b), err
		}
	}
	return "", "", fmt.Errorf("dockerd (pid %d) wrote no goroutine stacks within 15s of SIGUSR1", pid)
}

// stacksPath finds the "goroutine stacks written to" line in the log after
// offset from.
func (d dockerd) stacksPath(from int64) string {
	f, err := os.Open(d.logfile)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n, _ := f.ReadAt(buf, from)
	for _, l := range strings.Split(string(buf[:n]), "\n") {
		if m := stacksWritten.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			return m[1]
		}
	}
	return ""
}

// restart stops the daemon by its pid and starts it again, as make setup
// does (scripts/setup.sh --restart).
func (d dockerd) restart() error {
	cmd := exec.Command("bash", d.setup, "--restart")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}
