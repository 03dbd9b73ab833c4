package dockertest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Swarm is a real Docker Swarm of three private dockerds, each in a
// network namespace of its own, started by scripts/swarm.sh (see
// docs/development.md). Node 1 is its one manager. Its methods are safe
// from any goroutine; a test that shares it (SharedSwarm) must not assume
// it is alone on it.
type Swarm struct {
	// Dir holds everything of the swarm: sockets, data, logs, TLS material.
	Dir string
	// Manager is the manager's DOCKER_HOST (a unix socket), ManagerTCP its
	// TLS endpoint, as runjob would reach it.
	Manager, ManagerTCP string
	// Nodes are the swarm's nodes; Nodes[0] is the manager. The methods
	// that take a node take its index here.
	Nodes []SwarmNode
	// TLSDir holds ca.pem, cert.pem and key.pem: a client certificate
	// every node's TCP endpoint accepts, laid out as DOCKER_CERT_PATH.
	TLSDir string
	// Registry is Debian's docker-registry on the swarm's bridge, plain
	// HTTP, which every node trusts and reaches; it requires User and
	// Password. (Registry.PushUnique does not apply: it pushes from the
	// shared engine, which does not trust this registry.)
	Registry Registry
	// Subnet is the swarm's /24; the host reaches it through HostVeth.
	Subnet, HostVeth string
	// BridgeNetns is the namespace of the bridge and the registry.
	BridgeNetns string
	// StartTime is how long scripts/swarm.sh start took.
	StartTime time.Duration
}

// SwarmNode is one node of a Swarm.
type SwarmNode struct {
	Name     string // n1, n2, n3
	Hostname string // rj-n1...: the node's hostname, as Swarm reports it
	ID       string // its swarm node ID
	Addr     string // its address on the swarm's bridge
	Unix     string // unix://.../docker.sock, for the test
	TCP      string // tcp://ADDR:2376, TLS only: its runjob.endpoint label
	Netns    string // its network namespace (ip netns), and its containers' cgroup
}

// SwarmEnabled reports whether the swarm tests are asked for: they start
// three dockerds, so they run only with RUNJOB_SWARM=1 (`make test-swarm`
// sets it), not in every `go test ./...`.
func SwarmEnabled() bool { return os.Getenv("RUNJOB_SWARM") == "1" }

// StartSwarm starts a swarm of the test's own and destroys it (every
// process by its pid, namespaces, veths, mounts, then its directory) when
// t ends. Without RUNJOB_SWARM=1 it skips; without root, dockerd or the
// tools the script needs it skips, or fails under CI=true or
// RUNJOB_REQUIRE_DOCKER=1, as does a start that fails.
func StartSwarm(t testing.TB) *Swarm {
	t.Helper()
	s, err := startSwarm(func(f func()) { t.Cleanup(f) }, t.Errorf)
	if err != nil {
		swarmUnavailable(t, err)
	}
	return s
}

// errSwarmUnavailable marks what keeps a swarm from starting on this
// machine at all (as opposed to a start that failed).
type errSwarmUnavailable struct{ why string }

func (e errSwarmUnavailable) Error() string { return e.why }

func swarmUnavailable(t testing.TB, err error) {
	t.Helper()
	if u, ok := err.(errSwarmUnavailable); ok {
		if u.why == "" {
			t.Skip("swarm tests run with RUNJOB_SWARM=1 (`make test-swarm`)")
		}
		unavailable(t, u.why)
	}
	t.Fatal(err)
}

// startSwarm runs the script in a fresh short directory; cleanup gets the
// teardown, errorf what the teardown finds wrong.
func startSwarm(cleanup func(func()), errorf func(string, ...any)) (*Swarm, error) {
	if !SwarmEnabled() {
		return nil, errSwarmUnavailable{}
	}
	if why := swarmPrerequisites(); why != "" {
		return nil, errSwarmUnavailable{why}
	}
	// Short: socket paths under it are limited to 108 bytes.
	dir, err := os.MkdirTemp("/tmp", "rjs-")
	if err != nil {
		return nil, err
	}
	cleanup(func() {
		if out, err := swarmScript("destroy", dir); err != nil {
			errorf("destroy swarm in %s: %v\n%s", dir, err, out)
		}
		if left := ProcessesUnder(dir); len(left) > 0 {
			errorf("processes of the swarm outlive it: %s", strings.Join(left, "; "))
		}
	})
	t0 := time.Now()
	out, err := swarmScript("start", dir)
	if err != nil {
		return nil, fmt.Errorf("start swarm in %s: %w\n%s", dir, err, out)
	}
	s, err := parseSwarmStatus(out)
	if err != nil {
		return nil, fmt.Errorf("swarm status: %w\n%s", err, out)
	}
	s.StartTime = time.Since(t0)
	return s, nil
}

// Destroy stops the swarm (every process by its pid; namespaces, veths,
// cgroups, mounts) and removes Dir. Idempotent: StartSwarm's cleanup
// calls it too. Not for a SharedSwarm.
func (s *Swarm) Destroy() error {
	if out, err := swarmScript("destroy", s.Dir); err != nil {
		return fmt.Errorf("destroy swarm in %s: %w\n%s", s.Dir, err, out)
	}
	return nil
}

// swarmPrerequisites says what this machine lacks to run a swarm, if
// anything (scripts/setup.sh installs the packages).
func swarmPrerequisites() string {
	if os.Geteuid() != 0 {
		return "a swarm of private dockerds needs root"
	}
	if !haveDockerd() {
		return "dockerd not found (run `make setup`)"
	}
	for _, tool := range []string{"docker", "ip", "nsenter", "unshare", "openssl", "htpasswd", "curl"} {
		if _, err := exec.LookPath(tool); err != nil && sbin(tool) == "" {
			return tool + " not found (run `make setup`)"
		}
	}
	if !fileExists(registryBinary) {
		return registryBinary + " not found (run `make setup`)"
	}
	return ""
}

func swarmScript(args ...string) ([]byte, error) {
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "../../../scripts/swarm.sh")
	c := exec.Command("bash", append([]string{script}, args...)...)
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	if err := c.Run(); err != nil {
		return append(out.Bytes(), errOut.Bytes()...), err
	}
	return out.Bytes(), nil
}

// parseSwarmStatus reads the KEY=VALUE lines of `swarm.sh status`.
func parseSwarmStatus(out []byte) (*Swarm, error) {
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			kv[k] = v
		}
	}
	n, err := strconv.Atoi(kv["NODES"])
	if err != nil || n < 1 {
		return nil, fmt.Errorf("NODES=%q", kv["NODES"])
	}
	s := &Swarm{Dir: kv["SWARM_DIR"], Manager: kv["DOCKER_HOST"], ManagerTCP: kv["MANAGER_TCP"],
		TLSDir: kv["TLS_DIR"], Subnet: kv["SUBNET"], HostVeth: kv["HOST_VETH"], BridgeNetns: kv["BRIDGE_NETNS"],
		Registry: Registry{Addr: kv["REGISTRY"], User: kv["REGISTRY_USER"], Password: kv["REGISTRY_PASSWORD"]}}
	for i := 1; i <= n; i++ {
		p := "NODE" + strconv.Itoa(i) + "_"
		node := SwarmNode{Name: kv[p+"NAME"], Hostname: kv[p+"HOSTNAME"], ID: kv[p+"ID"], Addr: kv[p+"ADDR"],
			Unix: kv[p+"UNIX"], TCP: kv[p+"TCP"], Netns: kv[p+"NETNS"]}
		if node.ID == "" || node.Unix == "" || node.TCP == "" {
			return nil, fmt.Errorf("node %d: incomplete status %+v", i, node)
		}
		s.Nodes = append(s.Nodes, node)
	}
	return s, nil
}

// ProcessesUnder lists the live processes whose command line names dir
// (as "PID ARGS..."): what a daemon started there may leave running.
func ProcessesUnder(dir string) []string {
	var left []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(dir+"/")) {
			continue
		}
		left = append(left, e.Name()+" "+string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
	}
	return left
}
