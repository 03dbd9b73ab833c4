package docker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/cpuguy83/dockercfg"
)

// checkContext refuses a docker CLI context runjob cannot follow. Reading
// the CLI's context store needs github.com/docker/cli, a large module with
// its own dependency tree; rather than import it, or guess at its on-disk
// format, runjob supports the "default" context (DOCKER_HOST and the TLS
// variables, as client.FromEnv reads them) and says so plainly otherwise,
// instead of silently talking to a different daemon than `docker` does.
// DOCKER_HOST, when set, wins over contexts, as it does in the docker CLI.
func checkContext() error {
	if os.Getenv("DOCKER_HOST") != "" {
		return nil
	}
	name, from := os.Getenv("DOCKER_CONTEXT"), "DOCKER_CONTEXT"
	if name == "" {
		cfg, err := dockercfg.LoadDefaultConfig()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil // credentials will report a broken config where it matters
		}
		path, _ := dockercfg.ConfigPath()
		name, from = cfg.CurrentContext, "currentContext in "+path
	}
	if name == "" || name == "default" {
		return nil
	}
	return fmt.Errorf("docker context %q (%s) is not supported: set DOCKER_HOST to its endpoint instead, "+
		"e.g. DOCKER_HOST=$(docker context inspect %s --format '{{.Endpoints.docker.Host}}')", name, from, name)
}
