package stepcache

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The tests re-execute the test binary as a helper process: another runjob
// sharing the store, which they may kill -9 wherever it is.
const helperEnv = "STEPCACHE_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		if err := helper(mode); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// content is what the entry of key holds, so any reader can check it.
func content(key string) []blob {
	n, _ := strconv.Atoi(strings.TrimLeft(key, "abcdefghijklmnopqrstuvwxyz-_"))
	return []blob{{"data", strings.Repeat(key+"|", 8000+n*97)}, {"name", key}}
}

// commitOrCheck looks key up: a hit must hold content(key); a miss is
// stored.
func commitOrCheck(s *Store, key string) error {
	e, err := s.Lookup(key)
	if err != nil {
		return err
	}
	if e != nil {
		defer e.Close()
		got, err := readAll(e)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		for _, b := range content(key) {
			if got[b.name] != b.content {
				return fmt.Errorf("%s: blob %s has %d bytes, not its content", key, b.name, len(got[b.name]))
			}
		}
		return nil
	}
	p, err := s.Begin(key)
	if err != nil {
		return err
	}
	for _, b := range content(key) {
		w, err := p.Create(b.name)
		if err != nil {
			return err
		}
		// Two writes, so a kill can land between them.
		half := len(b.content) / 2
		io.WriteString(w, b.content[:half])
		s.at("mid-blob")
		io.WriteString(w, b.content[half:])
		if err := w.Close(); err != nil {
			return err
		}
	}
	return p.Commit(Meta{Step: key, Pipeline: "/p.hcl", RunID: strconv.Itoa(os.Getpid())})
}

// helper runs one helper mode on the store $STEPCACHE_DIR.
func helper(mode string) error {
	max, _ := strconv.ParseInt(os.Getenv("STEPCACHE_MAX"), 10, 64)
	s, err := Open(os.Getenv("STEPCACHE_DIR"), Options{MaxBytes: max})
	if err != nil {
		return err
	}
	keys := strings.Split(os.Getenv("STEPCACHE_KEYS"), ",")
	pause := os.Getenv("STEPCACHE_PAUSE")
	s.hook = func(point string) {
		if point == pause {
			fmt.Println("at", point)
			select {} // until killed
		}
	}
	switch mode {
	case "commit": // every key, three rounds
		for range 3 {
			for _, k := range keys {
				if err := commitOrCheck(s, k); err != nil {
					return err
				}
			}
		}
	case "churn": // new keys until killed
		fmt.Println("ready")
		for i := 0; ; i++ {
			if err := commitOrCheck(s, fmt.Sprintf("c%d-%d", os.Getpid(), i)); err != nil {
				return err
			}
			if i%5 == 4 {
				s.Prune(PruneOptions{MaxBytes: 300 << 10})
			}
		}
	case "prune":
		_, err = s.Prune(PruneOptions{All: true})
	}
	return err
}

// child starts a helper process on dir.
func child(t *testing.T, dir, mode string, env ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode, "STEPCACHE_DIR=" + dir}, env...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out)
}

// kill9 waits for the helper's line, then kills it with SIGKILL.
func kill9(t *testing.T, cmd *exec.Cmd, out *bufio.Reader, want string) {
	t.Helper()
	line, err := out.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, want) {
		t.Fatalf("helper said %q (%v), want %q", line, err, want)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}
