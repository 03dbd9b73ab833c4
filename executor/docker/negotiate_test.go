package docker_test

import (
	"context"
	"testing"

	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// The client speaks up to API 1.56; Debian's engine speaks 1.41. After the
// first ping the client must use the daemon's version, never a newer one.
func TestAPIVersionIsNegotiatedDownToTheDaemons(t *testing.T) {
	eng := dockertest.Engine(t) // pings, which negotiates
	version, api, err := eng.ServerVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := eng.APIVersion()
	if versions.GreaterThan(got, api) {
		t.Fatalf("client uses API %s, daemon speaks only %s", got, api)
	}
	if versions.LessThan(api, client.MaxAPIVersion) && got != api {
		t.Fatalf("client uses API %s, want the daemon's %s", got, api)
	}
	t.Logf("daemon %s speaks API %s; client negotiated %s", version, api, got)
}
