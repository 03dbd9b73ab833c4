package dockertest_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

func TestSwarmNodesServeTCPOnlyWithAClientCertificate(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	caFile, certFile, keyFile := s.TLSFiles()
	for i, n := range s.Nodes {
		// The docker client way, as runjob reaches a node by its label.
		cli, err := client.New(client.WithHost(n.TCP), client.WithTLSClientConfig(caFile, certFile, keyFile),
			client.WithAPIVersionNegotiation())
		if err != nil {
			t.Fatal(err)
		}
		info, err := cli.Info(ctx(t), client.InfoOptions{})
		cli.Close()
		if err != nil {
			t.Fatalf("node %s over %s with the client certificate: %v", n.Name, n.TCP, err)
		}
		if info.Info.Name != n.Hostname || info.Info.Swarm.NodeID != n.ID {
			t.Errorf("%s answers as %s (node %s), want %s (%s)", n.TCP, info.Info.Name, info.Info.Swarm.NodeID, n.Hostname, n.ID)
		}
		// The docker CLI way, with the environment a user sets.
		if out := onNode(t, s, i, s.TCPEnv(i), "info", "--format", "{{.Name}}"); out != n.Hostname {
			t.Errorf("docker CLI with %v says %q", s.TCPEnv(i), out)
		}
		addr := strings.TrimPrefix(n.TCP, "tcp://")
		if err := getVersion(t, addr, caFile, nil); err == nil {
			t.Errorf("node %s answered /version over TLS without a client certificate", n.Name)
		}
		if err := plainHTTP(addr); err == nil {
			t.Errorf("node %s answered /version over plain HTTP", n.Name)
		}
	}
}

// getVersion asks GET /version over TLS, trusting the swarm's CA and
// presenting cert (nil: none); any failure is an error.
func getVersion(t *testing.T, addr, caFile string, cert *tls.Certificate) error {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cfg := &tls.Config{RootCAs: pool}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
	resp, err := hc.Get("https://" + addr + "/version")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return &net.AddrError{Err: resp.Status, Addr: addr}
	}
	return nil
}

// plainHTTP asks GET /version without TLS; anything but a 200 is an error.
func plainHTTP(addr string) error {
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get("http://" + addr + "/version")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &net.AddrError{Err: resp.Status, Addr: addr}
	}
	return nil
}

func TestSwarmRegistryPushOnOneNodePullOnAnother(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	if err := s.LoadImage(ctx(t), 1, "busybox:latest"); err != nil {
		t.Fatal(err)
	}
	ref := s.Registry.Addr + "/runjob-test/" + unique(t) + ":1"
	creds := []string{"DOCKER_CONFIG=" + s.Registry.DockerConfig(t)}
	onNode(t, s, 1, nil, "tag", "busybox:latest", ref)
	t.Cleanup(func() { onNode(t, s, 1, nil, "rmi", ref) })
	// Without credentials the registry refuses the push and the pull.
	anon := []string{"DOCKER_CONFIG=" + t.TempDir()}
	if out, err := docker(s, 1, anon, "push", ref); err == nil {
		t.Fatalf("push without credentials succeeded:\n%s", out)
	}
	onNode(t, s, 1, creds, "push", ref)
	if out, err := docker(s, 2, anon, "pull", ref); err == nil {
		t.Fatalf("pull without credentials succeeded:\n%s", out)
	}
	onNode(t, s, 2, creds, "pull", ref)
	t.Cleanup(func() { onNode(t, s, 2, nil, "rmi", ref) })
	pushed := onNode(t, s, 1, nil, "image", "inspect", "--format", "{{index .RepoDigests 0}}", ref)
	pulled := onNode(t, s, 2, nil, "image", "inspect", "--format", "{{index .RepoDigests 0}}", ref)
	if pushed != pulled || !strings.Contains(pulled, "@sha256:") {
		t.Errorf("n2 pushed %s, n3 pulled %s", pushed, pulled)
	}
	if out := onNode(t, s, 2, nil, "run", "--rm", ref, "echo", "pulled"); out != "pulled" {
		t.Errorf("the pulled image runs and says %q", out)
	}
}
