package swarm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
)

func writeCerts(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A node's TLS material is its own directory's, else the shared one; a
// node reached over TCP without any is refused unless plain TCP is allowed.
func TestNodeTLSMaterial(t *testing.T) {
	dir := t.TempDir()
	c := Config{CertDir: dir}
	if _, err := c.clientOpts("rj-n1", "tcp://10.0.0.1:2376"); err == nil ||
		!strings.Contains(err.Error(), "no TLS material (ca.pem, cert.pem, key.pem) in "+dir) ||
		!strings.Contains(err.Error(), InsecureEnv+"=1 allows plain TCP") {
		t.Errorf("no certificates: %v", err)
	}
	if _, err := (Config{CertDir: dir, Insecure: true}).clientOpts("rj-n1", "tcp://10.0.0.1:2376"); err != nil {
		t.Errorf("insecure: %v", err)
	}
	if _, err := c.clientOpts("rj-n1", "unix:///run/docker.sock"); err != nil {
		t.Errorf("unix: %v", err)
	}
	if _, err := c.clientOpts("rj-n1", "ssh://me@host"); err == nil || !strings.Contains(err.Error(), "want tcp://HOST:PORT or unix:///PATH") {
		t.Errorf("ssh: %v", err)
	}
	writeCerts(t, dir)
	writeCerts(t, filepath.Join(dir, "rj-n2"))
	if ca, _, _ := c.tlsFiles("rj-n1"); ca != filepath.Join(dir, "ca.pem") {
		t.Errorf("rj-n1 uses %s", ca)
	}
	if ca, cert, key := c.tlsFiles("rj-n2"); ca != filepath.Join(dir, "rj-n2", "ca.pem") ||
		cert != filepath.Join(dir, "rj-n2", "cert.pem") || key != filepath.Join(dir, "rj-n2", "key.pem") {
		t.Errorf("rj-n2 uses %s %s %s, want its own", ca, cert, key)
	}
}

// The manager is refused over plain TCP, unless allowed.
func TestManagerOverPlainTCPIsRefused(t *testing.T) {
	cli, err := client.New(client.WithHost("tcp://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	mgr := docker.FromClient(cli)
	defer mgr.Close()
	if err := (Config{}).checkManager(mgr); err == nil || !strings.Contains(err.Error(), "without verified TLS: set DOCKER_TLS_VERIFY=1") {
		t.Errorf("plain TCP: %v", err)
	}
	if err := (Config{Insecure: true}).checkManager(mgr); err != nil {
		t.Errorf("insecure: %v", err)
	}
}

// ConfigFromEnv reads the docker CLI's DOCKER_CERT_PATH and runjob's own
// variables.
func TestConfigFromEnv(t *testing.T) {
	t.Setenv("DOCKER_CERT_PATH", "/certs")
	t.Setenv(InsecureEnv, "1")
	t.Setenv(LocalHostEnv, "none")
	if c := ConfigFromEnv(); c.CertDir != "/certs" || !c.Insecure || c.LocalHost != "" {
		t.Errorf("%+v", c)
	}
	t.Setenv("DOCKER_CERT_PATH", "")
	t.Setenv(InsecureEnv, "")
	os.Unsetenv(LocalHostEnv)
	home, _ := os.UserHomeDir()
	if c := ConfigFromEnv(); c.CertDir != filepath.Join(home, ".docker") || c.Insecure || c.LocalHost != DefaultLocalHost {
		t.Errorf("defaults: %+v", c)
	}
}
