package docker

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/cpuguy83/dockercfg"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/registry"
)

// credentials are what a pull authenticates with, and where they came
// from, so that a failed pull can say what was tried.
type credentials struct {
	header string // X-Registry-Auth value; "" for anonymous
	source string // e.g. "credentials for ghcr.io from credential helper docker-credential-pass"
}

// RegistryAuth returns the X-Registry-Auth value ("" for anonymous) the
// docker CLI would send for image's registry, and where it came from
// (e.g. "with credentials for ghcr.io from auths in ~/.docker/config.json"),
// for executor/swarm, which asks the registry for an image's digest
// through a swarm manager. It never returns the secret in the source.
func RegistryAuth(image string) (header, source string, err error) {
	c, err := registryAuth(image)
	return c.header, c.source, err
}

// registryAuth finds the credentials the docker CLI would use for image's
// registry: $DOCKER_CONFIG/config.json or ~/.docker/config.json, with its
// "credHelpers", "credsStore" and "auths" (helpers run as
// docker-credential-<name>), read by github.com/cpuguy83/dockercfg.
func registryAuth(image string) (credentials, error) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return credentials{}, fmt.Errorf("%w: %v", cerrdefs.ErrInvalidArgument, err)
	}
	host := dockercfg.ResolveRegistryHost(reference.Domain(named))
	path, _ := dockercfg.ConfigPath()
	var user, secret, from string
	cfg, err := dockercfg.LoadDefaultConfig()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		from = "the platform's default credential helper (no " + path + ")"
		user, secret, err = dockercfg.GetCredentialsFromHelper("", host)
	case err != nil:
		return credentials{}, fmt.Errorf("docker config %s: %w", path, err)
	default:
		from = source(&cfg, host, path)
		user, secret, err = cfg.GetRegistryCredentials(host)
	}
	if err != nil {
		return credentials{}, fmt.Errorf("registry credentials for %s from %s: %w", host, from, err)
	}
	if user == "" && secret == "" {
		return credentials{source: fmt.Sprintf("anonymously: no credentials for %s in %s", host, from)}, nil
	}
	ac := registry.AuthConfig{Username: user, Password: secret, ServerAddress: host}
	if user == "" {
		ac = registry.AuthConfig{IdentityToken: secret, ServerAddress: host}
	}
	b, err := json.Marshal(ac)
	if err != nil {
		return credentials{}, err
	}
	return credentials{header: base64.URLEncoding.EncodeToString(b), source: fmt.Sprintf("with credentials for %s from %s", host, from)}, nil
}

// source names where dockercfg looks for host's credentials, in its order.
func source(cfg *dockercfg.Config, host, path string) string {
	if h, ok := cfg.CredentialHelpers[host]; ok {
		return "credential helper docker-credential-" + h + " (credHelpers in " + path + ")"
	}
	if cfg.CredentialsStore != "" {
		return "credential store docker-credential-" + cfg.CredentialsStore + " (credsStore in " + path + ")"
	}
	if _, ok := cfg.AuthConfigs[host]; ok {
		return "auths in " + path
	}
	return path
}
