package docker_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
)

// containProbe prints, one fact a line, what a step can reach: the docker
// socket, its privileges, every mount point, the declared mount, a host
// directory it was not given, and whether the read-only mount is writable.
const containProbe = `
test -e /var/run/docker.sock && echo socket=yes || echo socket=no
grep -E '^(NoNewPrivs|CapEff):' /proc/self/status | tr -d '\t'
awk '{print "mount=" $2}' /proc/mounts
echo declared=$(cat /mnt/declared)
test -e "$SECRET_DIR" && echo secret=seen || echo secret=unseen
touch /mnt/new 2>/dev/null && echo mnt=writable || echo mnt=readonly
`

// Every step container runs unprivileged, with no added capability or
// device, no host namespace, no docker socket and no mount but the ones the
// step declares (its bind mount and its cache volume), and with
// no-new-privileges, as root and as an unprivileged user alike. The created
// container is inspected through the Engine API, and a probe inside it
// checks the same from the step's side.
func TestStepContainersAreContained(t *testing.T) {
	eng := dockertest.Engine(t)
	cli, err := client.New(client.FromEnv, client.WithHost(eng.Host()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	if _, err := cli.Ping(context.Background(), client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		t.Fatal(err)
	}

	mnt, secret := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(mnt, "declared"), []byte("visible"), 0o644); err != nil {
		t.Fatal(err)
	}
	var steps []*pipeline.Step
	for _, user := range []string{"", "65534"} {
		s := step("probe"+user, "sh", "-c", containProbe)
		s.User = user
		s.Env = map[string]string{"SECRET_DIR": secret}
		s.Mounts = []pipeline.Mount{{Source: mnt, Target: "/mnt", ReadOnly: true}}
		s.Caches = []pipeline.Cache{{Name: "c", Path: "/cache"}}
		steps = append(steps, s)
	}
	runID := executor.NewRunID()
	dockertest.NoLeftovers(t, eng, runID)
	p := &pipeline.Pipeline{Name: "contain-" + runID, Steps: steps, Concurrency: 1}
	t.Cleanup(func() {
		_, _ = cli.VolumeRemove(context.Background(), executor.CacheVolume(p.Name, "c"), client.VolumeRemoveOptions{Force: true})
	})
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}

	// The observer runs before the container starts: inspect it there.
	var mu sync.Mutex
	inspected := map[string]container.InspectResponse{}
	observe := executor.ObserverFunc(func(ev executor.Event) {
		if ev.Kind != executor.EventStepStarted {
			return
		}
		res, err := cli.ContainerInspect(context.Background(), ev.Container, client.ContainerInspectOptions{})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("inspect %s: %v", ev.Container, err)
			return
		}
		inspected[ev.Step] = res.Container
	})
	var out lines
	res, err := executor.New(eng, executor.WithRunID(runID), executor.WithArtifactsDir(t.TempDir()),
		executor.WithObserver(observe), executor.WithOutput(out.output())).Run(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		if r := res.Steps[i]; r.Status != executor.StatusOK {
			t.Fatalf("%s: %s %v\n%s", s.Name, r.Status, r.Err, strings.Join(out.of(s.Name), "\n"))
		}
		checkHostConfig(t, s.Name, inspected[s.Name], mnt, executor.CacheVolume(p.Name, "c"), dockertest.IsPodman(eng))
		checkProbe(t, s.Name, s.User, out.of(s.Name), dockertest.IsPodman(eng))
	}
}

// checkHostConfig asserts what the engine was asked for and what it made.
// Podman shows the declared mounts as binds (HostConfig.Mounts stays
// empty), so there the binds are checked instead.
func checkHostConfig(t *testing.T, name string, c container.InspectResponse, mnt, volume string, podman bool) {
	t.Helper()
	h := c.HostConfig
	if h == nil {
		t.Fatalf("%s: never inspected", name)
	}
	binds := h.Binds
	if podman {
		checkPodmanBinds(t, name, h.Binds, mnt, volume)
		binds = nil
	}
	if h.Privileged || len(h.CapAdd) > 0 || len(h.Devices) > 0 || len(h.DeviceRequests) > 0 || len(binds) > 0 || len(h.VolumesFrom) > 0 {
		t.Errorf("%s: privileged %v, cap_add %q, devices %v, binds %q, volumes_from %q",
			name, h.Privileged, h.CapAdd, h.Devices, h.Binds, h.VolumesFrom)
	}
	if h.PidMode.IsHost() || h.IpcMode.IsHost() || h.NetworkMode.IsHost() || h.UsernsMode.IsHost() || h.UTSMode.IsHost() {
		t.Errorf("%s: shares a host namespace: pid %q ipc %q net %q userns %q uts %q",
			name, h.PidMode, h.IpcMode, h.NetworkMode, h.UsernsMode, h.UTSMode)
	}
	if !slices.Contains(h.SecurityOpt, "no-new-privileges") {
		t.Errorf("%s: security options %q lack no-new-privileges", name, h.SecurityOpt)
	}
	if !podman {
		checkMounts(t, name, h.Mounts, mnt, volume)
	}
	// What the engine actually mounted, anonymous volumes of the image
	// included: only the two declared.
	var points []string
	for _, m := range c.Mounts {
		points = append(points, m.Destination)
	}
	if slices.Sort(points); !slices.Equal(points, []string{"/cache", "/mnt"}) {
		t.Errorf("%s: mount points %q, want /cache and /mnt", name, points)
	}
}

// checkMounts: the bind and the cache, as asked for.
func checkMounts(t *testing.T, name string, mounts []mount.Mount, mnt, volume string) {
	t.Helper()
	want := []mount.Mount{
		{Type: mount.TypeVolume, Source: volume, Target: "/cache"},
		{Type: mount.TypeBind, Source: mnt, Target: "/mnt", ReadOnly: true},
	}
	if len(mounts) != len(want) {
		t.Fatalf("%s: mounts %+v, want the bind and the cache only", name, mounts)
	}
	for i, m := range mounts {
		if m.Type != want[i].Type || m.Source != want[i].Source || m.Target != want[i].Target || m.ReadOnly != want[i].ReadOnly {
			t.Errorf("%s: mount %d = %+v, want %+v", name, i, m, want[i])
		}
	}
}

// checkPodmanBinds: on Podman, exactly the bind (read-only) and the cache
// volume (read-write), e.g. "/tmp/x:/mnt:ro,rprivate,rbind".
func checkPodmanBinds(t *testing.T, name string, binds []string, mnt, volume string) {
	t.Helper()
	byTarget := map[string][]string{}
	for _, b := range binds {
		parts := strings.SplitN(b, ":", 3)
		if len(parts) != 3 {
			t.Errorf("%s: bind %q is not source:target:options", name, b)
			continue
		}
		byTarget[parts[1]] = []string{parts[0], parts[2]}
	}
	opt := func(target, o string) bool {
		return slices.Contains(strings.Split(byTarget[target][1], ","), o)
	}
	if len(binds) != 2 || len(byTarget["/mnt"]) != 2 || len(byTarget["/cache"]) != 2 {
		t.Fatalf("%s: binds %q, want the bind and the cache only", name, binds)
	}
	if byTarget["/mnt"][0] != mnt || !opt("/mnt", "ro") || byTarget["/cache"][0] != volume || opt("/cache", "ro") {
		t.Errorf("%s: binds %q, want %s:/mnt read-only and %s:/cache", name, binds, mnt, volume)
	}
}

// checkProbe reads containProbe's output.
func checkProbe(t *testing.T, name, user string, out []string, podman bool) {
	t.Helper()
	facts := map[string]string{}
	for _, line := range out {
		k, v, _ := strings.Cut(line, "=")
		if k == "mount" {
			// Podman adds /run/.containerenv, a file that says "you are
			// in a Podman container" (empty for a rootful one).
			if !allowedMountPoint(v) && !(podman && v == "/run/.containerenv") {
				t.Errorf("%s: unexpected mount point %q in the container", name, v)
			}
			continue
		}
		k, v, _ = strings.Cut(strings.ReplaceAll(line, ":", "="), "=")
		facts[k] = v
	}
	for k, want := range map[string]string{
		"socket": "no", "NoNewPrivs": "1", "declared": "visible", "secret": "unseen", "mnt": "readonly",
	} {
		if facts[k] != want {
			t.Errorf("%s: %s = %q, want %q\n%s", name, k, facts[k], want, strings.Join(out, "\n"))
		}
	}
	caps, err := strconv.ParseUint(facts["CapEff"], 16, 64)
	if err != nil {
		t.Fatalf("%s: CapEff %q: %v", name, facts["CapEff"], err)
	}
	// CAP_NET_ADMIN 12, CAP_SYS_MODULE 16, CAP_SYS_PTRACE 19, CAP_SYS_ADMIN 21:
	// none is in the engine's default set, and none may be here.
	for _, bit := range []uint{12, 16, 19, 21} {
		if caps&(1<<bit) != 0 {
			t.Errorf("%s: capability bit %d is effective (CapEff %s)", name, bit, facts["CapEff"])
		}
	}
	if user != "" && caps != 0 {
		t.Errorf("%s: user %s has capabilities %s", name, user, facts["CapEff"])
	}
}

// allowedMountPoint: the container's own filesystems, the three files the
// engine provides, and the two declared mounts.
func allowedMountPoint(p string) bool {
	switch p {
	case "/", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts", "/mnt", "/cache":
		return true
	}
	for _, prefix := range []string{"/proc", "/dev", "/sys"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}
