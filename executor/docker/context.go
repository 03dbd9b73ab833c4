package docker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cpuguy83/dockercfg"
	"github.com/moby/moby/client"
)

// contextOpts follows the docker CLI's context selection: DOCKER_HOST wins;
// else DOCKER_CONTEXT; else currentContext in config.json; "default" (or
// none) means the environment and the local socket. A named context is read
// from the CLI's context store, whose layout is small and stable:
// contexts/meta/<sha256 of name>/meta.json holds the endpoint, and
// contexts/tls/<sha256>/docker/{ca,cert,key}.pem its TLS material. (The
// docker/cli module that owns this format is far larger than the 40 lines
// of reading it takes.)
//
// An ssh:// host, from DOCKER_HOST or a context, goes through the docker
// CLI's connection helper (ssh.go); the returned remote is nil otherwise.
// verified says whether a context's TLS material (its CA) is used.
func contextOpts() (opts []client.Opt, remote *sshRemote, verified bool, err error) {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		if strings.HasPrefix(h, "ssh://") {
			r, opts, err := newSSHRemote(h)
			return opts, r, false, err
		}
		return nil, nil, false, nil
	}
	configPath, _ := dockercfg.ConfigPath()
	name, from := os.Getenv("DOCKER_CONTEXT"), "DOCKER_CONTEXT"
	if name == "" {
		cfg, err := dockercfg.LoadDefaultConfig()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, false, nil // credentials will report a broken config where it matters
		}
		name, from = cfg.CurrentContext, "currentContext in "+configPath
	}
	if name == "" || name == "default" {
		return nil, nil, false, nil
	}
	store := filepath.Join(filepath.Dir(configPath), "contexts")
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	metaPath := filepath.Join(store, "meta", id, "meta.json")
	b, err := os.ReadFile(metaPath)
	if err != nil {
		return nil, nil, false, fmt.Errorf("docker context %q (%s): %w", name, from, err)
	}
	var meta struct {
		Endpoints struct {
			Docker struct {
				Host          string
				SkipTLSVerify bool
			} `json:"docker"`
		}
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return nil, nil, false, fmt.Errorf("docker context %q: %s: %w", name, metaPath, err)
	}
	host := meta.Endpoints.Docker.Host
	switch {
	case host == "":
		return nil, nil, false, fmt.Errorf("docker context %q: %s has no docker endpoint", name, metaPath)
	case strings.HasPrefix(host, "ssh://"):
		r, opts, err := newSSHRemote(host)
		if err != nil {
			err = fmt.Errorf("docker context %q: %w", name, err)
		}
		return opts, r, false, err
	case meta.Endpoints.Docker.SkipTLSVerify:
		return nil, nil, false, fmt.Errorf("docker context %q skips TLS verification, which runjob does not do", name)
	}
	opts = []client.Opt{client.WithHost(host)}
	tls := filepath.Join(store, "tls", id, "docker")
	if _, err := os.Stat(filepath.Join(tls, "ca.pem")); err == nil {
		opts = append(opts, client.WithTLSClientConfig(filepath.Join(tls, "ca.pem"),
			filepath.Join(tls, "cert.pem"), filepath.Join(tls, "key.pem")))
		verified = true
	}
	return opts, nil, verified, nil
}
