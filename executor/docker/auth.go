package docker

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/cpuguy83/dockercfg"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/registry"
)

// registryAuth returns the X-Registry-Auth value for pulling image: the
// credentials the docker CLI would use, from $DOCKER_CONFIG/config.json or
// ~/.docker/config.json ("auths", "credsStore", "credHelpers"; helpers are
// run as docker-credential-<name>). "" means anonymous.
func registryAuth(image string) (string, error) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return "", fmt.Errorf("%w: %v", cerrdefs.ErrInvalidArgument, err)
	}
	host := dockercfg.ResolveRegistryHost(reference.Domain(named))
	user, secret, err := dockercfg.GetRegistryCredentials(host)
	if err != nil {
		path, _ := dockercfg.ConfigPath()
		return "", fmt.Errorf("registry credentials for %s (docker config %s): %w", host, path, err)
	}
	if user == "" && secret == "" {
		return "", nil
	}
	cfg := registry.AuthConfig{Username: user, Password: secret, ServerAddress: host}
	if user == "" {
		cfg = registry.AuthConfig{IdentityToken: secret, ServerAddress: host}
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	return base64.URLEncoding.EncodeToString(b), nil
}
