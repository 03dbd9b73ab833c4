package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	flags, pkgs := splitArgs([]string{"-count=1", "-p", "1", "-timeout", "30m", "-run", "^TestSwarm", "-v", "./...", "./cmd/runjob/"})
	if want := []string{"-count=1", "-p", "1", "-timeout", "30m", "-run", "^TestSwarm", "-v"}; !reflect.DeepEqual(flags, want) {
		t.Errorf("flags = %q, want %q", flags, want)
	}
	if want := []string{"./...", "./cmd/runjob/"}; !reflect.DeepEqual(pkgs, want) {
		t.Errorf("pkgs = %q, want %q", pkgs, want)
	}
}

func TestFailedPackages(t *testing.T) {
	out := "ok  \tm/a\t1.1s\n--- FAIL: TestX (2.00s)\nFAIL\nFAIL\tm/b\t2.0s\nFAIL\tm/c [build failed]\nFAIL\tm/b\t2.0s\n?   \tm/d\t[no test files]\n"
	if got, want := failedPackages(strings.NewReader(out)), []string{"m/b", "m/c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("failed = %q, want %q", got, want)
	}
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// deadlock.txt is a real dockerd 20.10.24 deadlocked so: a private daemon
// that 12 loops of `docker run --rm --network n busybox true` stopped after
// about 2,350 containers (healthy.txt is the shared engine's, idle).
func TestKnownDeadlockIsRecognised(t *testing.T) {
	ev, ok := knownDeadlock(readFixture(t, "deadlock.txt"))
	if !ok {
		t.Fatal("the deadlock dump was not recognised")
	}
	for _, want := range []string{"goroutine 71214 [semacquire]", "getSvcRecords", "goroutine 46 [semacquire]", "processEndpointDelete"} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence %q lacks %q", ev, want)
		}
	}
}

// The watch loop's other path, a container joining, and the embedded DNS
// server's lookups take the locks in the same inverted order.
func TestTheOtherControllerFirstPathsAreRecognisedToo(t *testing.T) {
	for _, fn := range []string{"(*controller).processEndpointCreate", "(*network).ResolveName"} {
		dump := strings.ReplaceAll(readFixture(t, "deadlock.txt"), "(*controller).processEndpointDelete", fn)
		if ev, ok := knownDeadlock(dump); !ok || !strings.Contains(ev, fn) {
			t.Errorf("%s: %q, %v", fn, ev, ok)
		}
	}
}

// A healthy daemon's dump, and a dump where only one side waits (the
// other is merely passing through), are not the deadlock.
func TestOtherDumpsAreNotTheDeadlock(t *testing.T) {
	if ev, ok := knownDeadlock(readFixture(t, "healthy.txt")); ok {
		t.Errorf("healthy dump taken for the deadlock: %s", ev)
	}
	dump := readFixture(t, "deadlock.txt")
	oneSide := strings.Replace(dump, "goroutine 46 [semacquire]:", "goroutine 46 [runnable]:", 1)
	if ev, ok := knownDeadlock(oneSide); ok {
		t.Errorf("one waiting side taken for the deadlock: %s", ev)
	}
	leaveOnly := strings.ReplaceAll(dump, "libnetwork.(*controller).processEndpointDelete", "libnetwork.(*controller).other")
	if ev, ok := knownDeadlock(leaveOnly); ok {
		t.Errorf("a leave waiting alone taken for the deadlock: %s", ev)
	}
	if _, ok := knownDeadlock(""); ok {
		t.Error("an empty dump taken for the deadlock")
	}
}
