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

// deadlock.txt is a real dockerd 20.10.24 dump (healthy.txt) with the two
// goroutines of the deadlock as that daemon's stacks show them.
func TestKnownDeadlockIsRecognised(t *testing.T) {
	ev, ok := knownDeadlock(readFixture(t, "deadlock.txt"))
	if !ok {
		t.Fatal("the deadlock dump was not recognised")
	}
	for _, want := range []string{"goroutine 8812 [semacquire, 4 minutes]", "getSvcRecords", "goroutine 150 [semacquire, 4 minutes]", "deleteSvcRecords"} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence %q lacks %q", ev, want)
		}
	}
}

// The watch loop's other path, a container joining (processEndpointCreate,
// addSvcRecords), takes the locks in the same inverted order.
func TestTheJoinSideIsRecognisedToo(t *testing.T) {
	dump := strings.NewReplacer("deleteSvcRecords", "addSvcRecords", "processEndpointDelete", "processEndpointCreate").
		Replace(readFixture(t, "deadlock.txt"))
	if ev, ok := knownDeadlock(dump); !ok || !strings.Contains(ev, "addSvcRecords") {
		t.Fatalf("join side: %q, %v", ev, ok)
	}
}

// A healthy daemon's dump, and a dump where only one side waits (the
// other is merely passing through), are not the deadlock.
func TestOtherDumpsAreNotTheDeadlock(t *testing.T) {
	if ev, ok := knownDeadlock(readFixture(t, "healthy.txt")); ok {
		t.Errorf("healthy dump taken for the deadlock: %s", ev)
	}
	dump := readFixture(t, "deadlock.txt")
	oneSide := strings.Replace(dump, "goroutine 150 [semacquire, 4 minutes]:", "goroutine 150 [runnable]:", 1)
	if ev, ok := knownDeadlock(oneSide); ok {
		t.Errorf("one waiting side taken for the deadlock: %s", ev)
	}
	leaveOnly := strings.Replace(dump, "libnetwork.(*network).deleteSvcRecords", "libnetwork.(*network).other", 1)
	leaveOnly = strings.Replace(leaveOnly, "libnetwork.(*controller).processEndpointDelete", "libnetwork.(*controller).other", 1)
	if ev, ok := knownDeadlock(leaveOnly); ok {
		t.Errorf("a leave waiting alone taken for the deadlock: %s", ev)
	}
	if _, ok := knownDeadlock(""); ok {
		t.Error("an empty dump taken for the deadlock")
	}
}
