package dockertest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Registry is a Docker registry (Debian's docker-registry) serving on a
// free loopback port for one test. The engine treats 127.0.0.0/8
// registries as insecure, so it speaks plain HTTP to it.
type Registry struct {
	// Addr is host:port, the prefix of the registry's image names.
	Addr string
	// User and Password are set when the registry requires them.
	User, Password string
}

// registryBinary is installed by `make setup` (Debian package docker-registry).
const registryBinary = "/usr/bin/docker-registry"

// StartRegistry starts a registry, with htpasswd authentication when auth
// is set, and stops it (by its PID) when t ends.
func StartRegistry(t testing.TB, auth bool) *Registry {
	t.Helper()
	if _, err := os.Stat(registryBinary); err != nil {
		if Required() {
			t.Fatalf("%s missing (run `make setup`): %v", registryBinary, err)
		}
		t.Skipf("%s missing (run `make setup`)", registryBinary)
	}
	dir := t.TempDir()
	r := &Registry{Addr: freeAddr(t)}
	authCfg := ""
	if auth {
		r.User, r.Password = "runjob", "s3cret-"+filepath.Base(dir)
		hash, err := bcrypt.GenerateFromPassword([]byte(r.Password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, "htpasswd"), r.User+":"+string(hash)+"\n")
		authCfg = fmt.Sprintf("auth:\n  htpasswd:\n    realm: runjob-test\n    path: %s\n", filepath.Join(dir, "htpasswd"))
	}
	cfg := filepath.Join(dir, "config.yml")
	write(t, cfg, fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
%s`, filepath.Join(dir, "data"), r.Addr, authCfg))
	cmd := exec.Command(registryBinary, "serve", cfg)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	for deadline := time.Now().Add(15 * time.Second); ; {
		resp, err := http.Get("http://" + r.Addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("registry exited: %s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("registry on %s did not answer: %v\n%s", r.Addr, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return r
}

// DockerConfig writes a docker config directory (for DOCKER_CONFIG) whose
// config.json holds the registry's credentials in "auths", as `docker
// login` would.
func (r *Registry) DockerConfig(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(r.User + ":" + r.Password))
	write(t, filepath.Join(dir, "config.json"), fmt.Sprintf(`{"auths": {%q: {"auth": %q}}}`, r.Addr, auth))
	return dir
}

// PushUnique pushes an image with a layer of size random bytes, which no
// engine has seen before (so pulling it downloads for real), as
// <Addr>/runjob-test/<name>:latest, then deletes it from the engine, so a
// test can pull it. Cleanup deletes it from the engine again.
//
// The image is busybox:latest plus that layer, built by `docker build`
// (the classic builder): `docker commit` does not work through Podman's
// API, a build does on both engines.
func (r *Registry) PushUnique(t testing.TB, name string, size int) string {
	t.Helper()
	ref := r.Addr + "/runjob-test/" + name + ":latest"
	dir := t.TempDir()
	blob := make([]byte, size)
	if _, err := rand.Read(blob); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "blob"), string(blob))
	write(t, filepath.Join(dir, "Dockerfile"), "FROM busybox:latest\nCOPY blob /blob\n")
	env := []string{"DOCKER_CONFIG=" + r.DockerConfig(t)}
	dockerCLI(t, []string{"DOCKER_BUILDKIT=0"}, "build", "-q", "--pull=false", "--force-rm", "-t", ref, dir)
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", ref).Run() })
	dockerCLI(t, env, "push", ref)
	dockerCLI(t, nil, "rmi", ref)
	return ref
}

func dockerCLI(t testing.TB, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("docker", args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// RemoveImage deletes an image a test pulled (ignoring "no such image").
func RemoveImage(ref string) { _ = exec.Command("docker", "rmi", "-f", ref).Run() }

// CredentialHelper writes a credential helper, docker-credential-runjobtest,
// that hands out the registry's credentials, and a docker config directory
// whose credHelpers names it for the registry. Put bin first on PATH and
// point DOCKER_CONFIG at config.
func (r *Registry) CredentialHelper(t testing.TB) (config, bin string) {
	t.Helper()
	config, bin = t.TempDir(), t.TempDir()
	helper := "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread host\n" +
		"printf '{\"ServerURL\":\"%s\",\"Username\":\"" + r.User + "\",\"Secret\":\"" + r.Password + "\"}' \"$host\"\n"
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-runjobtest"), []byte(helper), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(config, "config.json"), `{"credHelpers": {"`+r.Addr+`": "runjobtest"}}`)
	return config, bin
}
