package dockertest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SSHD is a private sshd on 127.0.0.1 that lets the test's own key log in
// as root, for reaching the engine over ssh (`docker system dial-stdio`
// runs there against the local engine).
type SSHD struct {
	Port int
	Dir  string // its config, keys and pid file
	pid  int
}

// StartSSHD starts an sshd of the test's own (its config, a fresh host
// key, an authorized key the test generated, -D in the background) and
// ends it by its pid at cleanup. Without sshd or ssh it skips, or fails
// under CI=true or RUNJOB_REQUIRE_DOCKER=1 (scripts/setup.sh installs
// Debian's openssh-server).
func StartSSHD(t testing.TB) *SSHD {
	t.Helper()
	Engine(t)
	sshd := sbin("sshd")
	if sshd == "" {
		unavailable(t, "no sshd (Debian's openssh-server)")
	}
	for _, tool := range []string{"ssh", "ssh-keygen", "docker"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable(t, "no "+tool+" on PATH")
		}
	}
	dir := t.TempDir()
	for _, key := range []string{"host_key", "client_key"} {
		out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, key)).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	pub, err := os.ReadFile(filepath.Join(dir, "client_key.pub"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "authorized_keys"), string(pub))
	// sshd insists on its privilege separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("sshd needs /run/sshd: %v", err)
	}
	d := &SSHD{Port: FreePort(t), Dir: dir}
	write(t, filepath.Join(dir, "sshd_config"), fmt.Sprintf(`ListenAddress 127.0.0.1
Port %d
HostKey %[2]s/host_key
AuthorizedKeysFile %[2]s/authorized_keys
PidFile %[2]s/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
LogLevel ERROR
%[3]s`, d.Port, dir, remoteEngine()))
	cmd := exec.Command(sshd, "-D", "-f", filepath.Join(dir, "sshd_config"), "-E", filepath.Join(dir, "sshd.log"))
	if out, err := exec.Command(sshd, "-t", "-f", filepath.Join(dir, "sshd_config")).CombinedOutput(); err != nil {
		t.Fatalf("sshd -t: %v\n%s", err, out)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	d.pid = cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(d.pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	d.waitListening(t)
	return d
}

// Host is the DOCKER_HOST that reaches the engine through this sshd.
func (d *SSHD) Host() string { return "ssh://root@127.0.0.1:" + strconv.Itoa(d.Port) }

// Opts is the RUNJOB_SSH_OPTS that logs in with the test's key, without
// prompting and without reading or writing known_hosts.
func (d *SSHD) Opts() string {
	return "-i " + filepath.Join(d.Dir, "client_key") +
		" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
}

// Env is the environment that points runjob at the engine over ssh.
func (d *SSHD) Env() []string {
	return []string{"DOCKER_HOST=" + d.Host(), "RUNJOB_SSH_OPTS=" + d.Opts()}
}

// Stop ends the sshd now (the engine behind it stays up).
func (d *SSHD) Stop() { _ = syscall.Kill(d.pid, syscall.SIGTERM) }

func (d *SSHD) waitListening(t testing.TB) {
	t.Helper()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(d.Port))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	log, _ := os.ReadFile(filepath.Join(d.Dir, "sshd.log"))
	t.Fatalf("sshd does not listen on %s after 10s\n%s", addr, log)
}

// FreePort returns a loopback port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// sbin finds tool on PATH or in the sbin dirs a non-login PATH may lack.
func sbin(tool string) string {
	if p, err := exec.LookPath(tool); err == nil {
		return p
	}
	for _, d := range []string{"/usr/local/sbin", "/usr/sbin", "/sbin"} {
		if p := filepath.Join(d, tool); fileExists(p) {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// remoteEngine is the sshd setting that points the remote side's `docker
// system dial-stdio` at the engine under test (DOCKER_HOST, Podman's socket
// on a Podman run) rather than at the default socket.
func remoteEngine() string {
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		return "SetEnv DOCKER_HOST=" + h + "\n"
	}
	return ""
}
