package dockertest

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Proxy forwards connections from a listener of its own to a target, so a
// test can slow them down or cut them all at once, as a dying daemon or a
// slow network would. It only ever listens on loopback or a unix socket in
// a temp dir.
type Proxy struct {
	// Addr is what clients dial: host:port, or unix:///path for a socket.
	Addr string

	l      net.Listener
	dial   func() (net.Conn, error)
	rate   int // bytes per second from target to client; 0: unlimited
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
	wg     sync.WaitGroup
}

// TCPProxy forwards 127.0.0.1:<free port> to target (host:port), passing
// at most rate bytes a second back to the client (0: unlimited).
func TCPProxy(t testing.TB, target string, rate int) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: l.Addr().String(), l: l, rate: rate, dial: func() (net.Conn, error) { return net.Dial("tcp", target) }}
	p.start(t)
	return p
}

// EngineProxy forwards a unix socket in a temp dir to the engine tests use
// (DOCKER_HOST if it is a unix socket, else /var/run/docker.sock). Point a
// runjob at it with DOCKER_HOST=p.Addr; Cut then plays the daemon dying.
func EngineProxy(t testing.TB) *Proxy {
	t.Helper()
	target := EngineSocket()
	sock := filepath.Join(t.TempDir(), "engine.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: "unix://" + sock, l: l, dial: func() (net.Conn, error) { return net.Dial("unix", target) }}
	p.start(t)
	return p
}

// EngineSocket is the unix socket of the engine tests use: DOCKER_HOST's
// if it is a unix socket, else /var/run/docker.sock.
func EngineSocket() string {
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		return strings.TrimPrefix(h, "unix://")
	}
	return "/var/run/docker.sock"
}

func (p *Proxy) start(t testing.TB) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := p.l.Accept()
			if err != nil {
				return
			}
			up, err := p.dial()
			if err != nil {
				c.Close()
				continue
			}
			if !p.track(c, up) {
				return
			}
			p.wg.Add(2)
			go func() { defer p.wg.Done(); _, _ = io.Copy(up, c); closeWrite(up) }()
			go func() { defer p.wg.Done(); p.copyDown(c, up); closeWrite(c) }()
		}
	}()
	t.Cleanup(p.Cut)
}

func (p *Proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, cs...)
	return true
}

// copyDown copies target -> client, throttled to rate.
func (p *Proxy) copyDown(dst, src net.Conn) {
	if p.rate <= 0 {
		_, _ = io.Copy(dst, src)
		return
	}
	chunk := max(p.rate/10, 1)
	buf := make([]byte, chunk)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			time.Sleep(time.Duration(n) * time.Second / time.Duration(p.rate))
		}
		if err != nil {
			return
		}
	}
}

// Cut closes the listener and every connection, at once, and waits for the
// copies to end. Idempotent.
func (p *Proxy) Cut() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.l.Close()
		for _, c := range p.conns {
			c.Close()
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// StopListening closes the listener but keeps the open connections
// working, as a dockerd shutting down does while it stops its containers.
// Cut ends them.
func (p *Proxy) StopListening() { p.l.Close() }

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}
