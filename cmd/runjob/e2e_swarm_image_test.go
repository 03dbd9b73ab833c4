package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// uniqueLocalImage builds, on the local engine, an image no node has (a
// label makes its ID new) and removes it when t ends.
func uniqueLocalImage(t *testing.T) (tag, id string) {
	t.Helper()
	dir := t.TempDir()
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox:latest\nLABEL runjob.test="+nonce+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tag = "runjob-swarm-test:" + nonce
	out, err := exec.Command("docker", "build", "-q", "-t", tag, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Cleanup(func() { dockertest.RemoveImage(tag) })
	out, err = exec.Command("docker", "image", "inspect", "-f", "{{.Id}}", tag).Output()
	if err != nil {
		t.Fatal(err)
	}
	return tag, strings.TrimSpace(string(out))
}

// nodeImage reports whether node i has the image ref, with its tags and
// digests.
func nodeImage(t *testing.T, s *dockertest.Swarm, i int, ref string) (ok bool, tags, digests []string) {
	t.Helper()
	cli, err := s.Client(i)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	res, err := cli.ImageInspect(context.Background(), ref)
	if err != nil {
		return false, nil, nil
	}
	return true, res.RepoTags, res.RepoDigests
}

// loads counts the image loads of id on node i since the test began.
func loads(t *testing.T, s *dockertest.Swarm, i int, id string, since time.Time) int {
	t.Helper()
	cli, err := s.Client(i)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := cli.Events(ctx, client.EventsListOptions{Since: strconv.FormatInt(since.Unix()-1, 10),
		Until: strconv.FormatInt(time.Now().Unix()+1, 10), Filters: make(client.Filters).Add("type", "image").Add("event", "load")})
	n := 0
	for {
		select {
		case m := <-res.Messages:
			if m.Actor.ID == id {
				n++
			}
		case err := <-res.Err:
			if err != nil && !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			return n
		}
	}
}

// Without a registry, an image is copied from the local engine to each
// node that runs it, once per node however many of its steps wait for it,
// by ID and without a tag: the nodes' own tags stay theirs.
func TestSwarmImageStreamedFromTheLocalEngine(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	tag, id := uniqueLocalImage(t)
	p := write(t, fmt.Sprintf(`
step "many" {
  for_each = toset(["a", "b", "c", "d"])
  image    = %q
  pull     = "never"
  command  = ["echo", "ran the copy"]
  placement { constraints = ["node.hostname==rj-n2"] }
}
step "one" {
  image   = %q
  command = ["echo", "ran the copy"]
  placement { constraints = ["node.hostname==rj-n3"] }
}`, tag, tag))
	since := time.Now()
	r := runOnSwarm(t, s, nil, p, "-j", "5", "--log-format", "plain")
	if r.code != 0 || strings.Count(r.stdout, "ran the copy") != 5 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for i, want := range []bool{false, true, true} {
		ok, tags, _ := nodeImage(t, s, i, id)
		if ok != want {
			t.Errorf("%s has the image: %v, want %v", s.Nodes[i].Name, ok, want)
		}
		if slices.Contains(tags, tag) {
			t.Errorf("%s got the tag %s: %v", s.Nodes[i].Name, tag, tags)
		}
	}
	if n := loads(t, s, 1, id, since); n != 1 {
		t.Errorf("n2 loaded the image %d times for its 4 steps, want once", n)
	}
	// pull = "never" and no local image: an error naming the image.
	p = write(t, `
step "absent" {
  image   = "runjob-swarm-test:absent"
  pull    = "never"
  command = ["true"]
}`)
	r = runOnSwarm(t, s, nil, p, "--log-format", "plain")
	if r.code != 3 || !strings.Contains(r.stderr, `image runjob-swarm-test:absent (pull never): not present on the local engine`) {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// repoDigests are the digests of repo's images on node i (repo@sha256:...).
func repoDigests(t *testing.T, s *dockertest.Swarm, i int, repo string) []string {
	t.Helper()
	cli, err := s.Client(i)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	res, err := cli.ImageList(context.Background(), client.ImageListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, im := range res.Items {
		for _, d := range im.RepoDigests {
			if strings.HasPrefix(d, repo+"@") {
				out = append(out, d)
			}
		}
	}
	return out
}

// pushToSwarmRegistry pushes busybox to the swarm's registry under a
// unique name, from node 1 (the only engine that trusts the registry), and
// returns the reference.
func pushToSwarmRegistry(t *testing.T, s *dockertest.Swarm) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.LoadImage(ctx, 0, "busybox:latest"); err != nil {
		t.Fatal(err)
	}
	cli, err := s.Client(0)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ref := fmt.Sprintf("%s/runjob-test/bb:%d", s.Registry.Addr, time.Now().UnixNano())
	if _, err := cli.ImageTag(ctx, client.ImageTagOptions{Source: "busybox:latest", Target: ref}); err != nil {
		t.Fatal(err)
	}
	auth, _ := json.Marshal(registry.AuthConfig{Username: s.Registry.User, Password: s.Registry.Password, ServerAddress: s.Registry.Addr})
	res, err := cli.ImagePush(ctx, ref, client.ImagePushOptions{RegistryAuth: base64.URLEncoding.EncodeToString(auth)})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	for m, err := range res.JSONMessages(ctx) {
		if err != nil || m.Error != nil {
			t.Fatalf("push %s: %v %v", ref, err, m.Error)
		}
	}
	_, _ = cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{})
	return ref
}

// An image in a registry is pinned by its digest once for the run and
// pulled by that digest on each node that runs it, with the user's
// credentials; refused credentials are an engine error that says which
// were used.
func TestSwarmImagePulledFromTheRegistry(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	ref := pushToSwarmRegistry(t, s)
	p := write(t, fmt.Sprintf(`
step "pulled" {
  for_each = toset(["rj-n2", "rj-n3"])
  image    = %q
  command  = ["echo", "ran the pulled image"]
  placement { constraints = ["node.hostname==${each.key}"] }
}`, ref))
	r := runOnSwarm(t, s, []string{"DOCKER_CONFIG=" + s.Registry.DockerConfig(t)}, p, "--log-format", "plain")
	if r.code != 0 || strings.Count(r.stdout, "ran the pulled image") != 2 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	repo := ref[:strings.LastIndex(ref, ":")]
	var digest string
	for _, i := range []int{1, 2} {
		digests := repoDigests(t, s, i, repo)
		if len(digests) != 1 {
			t.Fatalf("%s: digests %v, want the one pinned", s.Nodes[i].Name, digests)
		}
		if digest == "" {
			digest = digests[0]
		} else if digests[0] != digest {
			t.Errorf("the nodes ran different images: %s and %s", digest, digests[0])
		}
	}
	bad := dockertest.Registry{Addr: s.Registry.Addr, User: s.Registry.User, Password: "wrong"}
	r = runOnSwarm(t, s, []string{"DOCKER_CONFIG=" + bad.DockerConfig(t)}, p, "--log-format", "plain")
	t.Logf("wrong password:\n%s", r.stderr)
	if r.code != 3 || !strings.Contains(r.stderr, "with credentials for "+s.Registry.Addr) {
		t.Errorf("wrong password: exit %d\n%s", r.code, r.stderr)
	}
}

// An image the run builds is built on the local engine, where its context
// is, copied to the nodes that run it, and removed from them and the
// local engine when the run ends.
func TestSwarmBuiltImageRunsOnTheNodes(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	p := write(t, `
image "app" {
  context = "./ctx"
}
step "use" {
  for_each = toset(["rj-n2", "rj-n3"])
  image    = image.app
  command  = ["cat", "/built"]
  placement { constraints = ["node.hostname==${each.key}"] }
}`)
	ctxDir := filepath.Join(filepath.Dir(p), "ctx")
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := os.MkdirAll(ctxDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte("FROM busybox:latest\nRUN echo built-"+nonce+" > /built\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runOnSwarm(t, s, nil, p, "--log-format", "plain")
	if r.code != 0 || strings.Count(r.stdout, "| built-"+nonce+"\n") != 2 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
