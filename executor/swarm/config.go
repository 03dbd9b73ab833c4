package swarm

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/runjob/runjob/executor/docker"
)

// EndpointLabel is the node label that says where runjob reaches the
// node's Docker engine: tcp://HOST:PORT, served with TLS (dockerd
// --tlsverify), or unix:///PATH for a node runjob runs on.
const EndpointLabel = "runjob.endpoint"

// The environment variables Config reads.
const (
	// InsecureEnv=1 allows plain TCP to the manager and the nodes, for
	// throwaway clusters only: whoever reaches an engine is root on its host.
	InsecureEnv = "RUNJOB_SWARM_INSECURE"
	// LocalHostEnv is the address of the engine on runjob's own host, where
	// images are built and copied from (default unix:///var/run/docker.sock;
	// "none": there is none).
	LocalHostEnv = "RUNJOB_LOCAL_DOCKER_HOST"
)

// DefaultLocalHost is the local engine's default address.
const DefaultLocalHost = "unix:///var/run/docker.sock"

// Config says how to reach the swarm's nodes. ConfigFromEnv reads it the
// way the docker CLI reads its TLS settings.
type Config struct {
	// CertDir holds ca.pem, cert.pem and key.pem, the CA that signed the
	// nodes' certificates and runjob's client certificate (DOCKER_CERT_PATH,
	// default ~/.docker). A subdirectory named after a node's hostname, when
	// it has a ca.pem, is that node's instead.
	CertDir string
	// Insecure allows plain TCP where there is no TLS material
	// (InsecureEnv).
	Insecure bool
	// LocalHost is the local engine's address ("" or "none": none).
	LocalHost string
}

// ConfigFromEnv reads DOCKER_CERT_PATH, InsecureEnv and LocalHostEnv.
func ConfigFromEnv() Config {
	c := Config{CertDir: os.Getenv("DOCKER_CERT_PATH"), Insecure: os.Getenv(InsecureEnv) == "1", LocalHost: DefaultLocalHost}
	if c.CertDir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			c.CertDir = filepath.Join(home, ".docker")
		}
	}
	if h, ok := os.LookupEnv(LocalHostEnv); ok {
		c.LocalHost = h
	}
	if c.LocalHost == "none" {
		c.LocalHost = ""
	}
	return c
}

// checkManager refuses a manager reached over plain TCP, or over TLS that
// does not verify its certificate, unless Insecure: the manager's API
// creates services on every node.
func (c Config) checkManager(mgr *docker.Engine) error {
	u, err := url.Parse(mgr.Host())
	if err != nil || u.Scheme != "tcp" || mgr.VerifiesTLS() || c.Insecure {
		return nil
	}
	return fmt.Errorf("the swarm manager at %s is reached over TCP without verified TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH "+
		"(ca.pem, cert.pem, key.pem), or use a docker context with TLS; %s=1 allows plain TCP on a throwaway cluster", mgr.Host(), InsecureEnv)
}

// tlsFiles returns the CA, certificate and key for a node, "" when there
// are none: the node's own directory under CertDir, else CertDir.
func (c Config) tlsFiles(hostname string) (ca, cert, key string) {
	if c.CertDir == "" {
		return "", "", ""
	}
	for _, dir := range []string{filepath.Join(c.CertDir, hostname), c.CertDir} {
		if _, err := os.Stat(filepath.Join(dir, "ca.pem")); err == nil {
			return filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
		}
	}
	return "", "", ""
}
