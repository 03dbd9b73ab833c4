package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// ttyPipeline exercises what can garble a live view: parallel steps, many
// lines, long lines, escape sequences, carriage returns, raw control bytes,
// wide characters, and a failure whose tail must be shown.
const ttyPipeline = `
step "chatty" {
  image   = "busybox:latest"
  command = ["sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo chatty line $i; i=$((i+1)); done; echo chatty-done"]
}
step "garbage" {
  image   = "busybox:latest"
  command = ["sh", "-c", "printf '\\033[2J\\033[H\\033[31mred\\033[0m\\r\\033]0;title\\007\\001\\002 全角文字全角文字全角文字\\n'; head -c 3000 /dev/zero | tr '\\\\0' x; echo; echo garbage-done"]
}
step "broken" {
  image   = "busybox:latest"
  command = ["sh", "-c", "i=0; while [ $i -lt 30 ]; do echo broken line $i; i=$((i+1)); done; exit 7"]
}
`

// tmuxRun runs runjob on the pipeline src in a detached tmux of the given
// width (its own server socket, so nothing else's tmux is touched) and
// returns the screen once runjob has exited. With interrupt, runjob gets
// SIGINT once the screen shows the text.
func tmuxRun(t *testing.T, src string, cols int, interrupt string, env ...string) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if dockertest.Required() {
			t.Fatal("tmux is needed for the tty test: apt-get install -y tmux")
		}
		t.Skip("no tmux")
	}
	p := write(t, src)
	dir := filepath.Dir(p)
	sock := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	script := fmt.Sprintf("cd %q && env %s %q %q --stop-timeout 1s & echo $! > %q/pid; wait $!; echo EXIT=$?; sleep 600",
		dir, strings.Join(append(env, "TERM=xterm-256color"), " "), binary, p, dir)
	// Tall enough that nothing scrolls away: what is checked is the screen
	// itself (tmux moves a screen cleared from its top into the scrollback,
	// so the scrollback holds every frame and says nothing).
	tmux("new-session", "-d", "-x", fmt.Sprint(cols), "-y", "300", "sh", "-c", script)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
	// No timing assertion: the deadline only keeps a hang from wedging CI.
	var screen string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		screen = tmux("capture-pane", "-p", "-J")
		if strings.Contains(screen, "EXIT=") {
			break
		}
		if interrupt != "" && strings.Contains(screen, interrupt) {
			pid, err := os.ReadFile(filepath.Join(dir, "pid"))
			n, _ := strconv.Atoi(strings.TrimSpace(string(pid)))
			if err != nil || n <= 0 {
				t.Fatalf("runjob's pid: %q %v", pid, err)
			}
			if err := syscall.Kill(n, syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			interrupt = ""
		}
	}
	if m := runIDPattern.FindStringSubmatch(strings.ReplaceAll(screen, "\n", "")); m != nil {
		dockertest.NoLeftovers(t, dockertest.Engine(t), m[1])
	}
	if !strings.Contains(screen, "EXIT=") {
		t.Fatalf("runjob did not exit in time:\n%s", screen)
	}
	// With colors asked off, the screen's attributes (-e) hold no SGR.
	if slices.Contains(env, "NO_COLOR=1") && strings.Contains(tmux("capture-pane", "-p", "-e"), "\x1b[") {
		t.Error("NO_COLOR is set, yet the screen has colors")
	}
	return screen
}

func TestTTYLiveView(t *testing.T) {
	dockertest.Engine(t)
	for _, c := range []struct {
		cols int
		env  []string
	}{{100, nil}, {20, []string{"NO_COLOR=1"}}} {
		t.Run(fmt.Sprint(c.cols), func(t *testing.T) {
			screen := tmuxRun(t, ttyPipeline, c.cols, "", c.env...)
			flat := strings.ReplaceAll(screen, "\n", "") // narrow panes wrap permanent lines
			for _, want := range []string{"EXIT=1", "✓ chatty ok", "✓ garbage ok", "✗ broken failed", "exit 7",
				"│ broken line 29", "│ broken line 20", "3 steps: 2 ok, 1 failed"} {
				if !strings.Contains(flat, want) {
					t.Errorf("screen lacks %q:\n%s", want, screen)
				}
			}
			// Step output is not streamed: only the failure's tail shows.
			for _, unwanted := range []string{"broken line 19", "chatty line 10\n", "title", "[31m", "[2J"} {
				if strings.Contains(screen, unwanted) {
					t.Errorf("screen shows %q:\n%s", unwanted, screen)
				}
			}
			// A finished step's line appears once, and no live frame is
			// left behind (spinners, the queue count).
			if n := strings.Count(flat, "✓ chatty ok"); n != 1 {
				t.Errorf("chatty's line shows %d times:\n%s", n, screen)
			}
			if strings.ContainsAny(screen, spinnerFrames) || strings.Contains(screen, "queued") {
				t.Errorf("a live frame is left on screen:\n%s", screen)
			}
			if regexp.MustCompile(`[\x00-\x08\x0b-\x1f\x7f]`).MatchString(screen) {
				t.Errorf("control characters on screen: %q", screen)
			}
		})
	}
}

// An interrupt's notice is printed above the live block, not into it: the
// block is still erased cleanly and the cancelled steps collapse.
func TestTTYInterrupt(t *testing.T) {
	dockertest.Engine(t)
	screen := tmuxRun(t, `
step "sleeper" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo waiting; exec sleep 60"]
}`, 60, "s waiting") // "sleeper Ns waiting": under load a poll can miss any one N
	flat := strings.ReplaceAll(screen, "\n", "")
	for _, want := range []string{"runjob: interrupt: stopping running steps", "- sleeper cancelled", "EXIT=130"} {
		if !strings.Contains(flat, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if n := strings.Count(flat, "stopping running steps"); n != 1 {
		t.Errorf("the notice shows %d times:\n%s", n, screen)
	}
	if strings.ContainsAny(screen, spinnerFrames) {
		t.Errorf("a live frame is left on screen:\n%s", screen)
	}
}

// spinnerFrames are the live view's spinner (console's ttydraw.go): none
// may be left on screen when runjob exits.
const spinnerFrames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
