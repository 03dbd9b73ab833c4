package docker

import (
	"reflect"
	"testing"

	"github.com/runjob/runjob/executor"
)

func TestToProcessesReadsColumnsByTitle(t *testing.T) {
	docker := toProcesses([]string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"},
		[][]string{{"root", "4242", "4200", "0", "10:00", "?", "00:00:00", "sleep 600"}})
	want := []executor.Process{{PID: 4242, PPID: 4200, User: "root", Time: "00:00:00", Command: "sleep 600"}}
	if !reflect.DeepEqual(docker, want) {
		t.Errorf("docker's -ef table: got %+v, want %+v", docker, want)
	}
	podman := toProcesses([]string{"USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"},
		[][]string{{"root", "4242", "4200", "0.000", "1s", "?", "00:00:00", "sleep 600"}})
	if !reflect.DeepEqual(podman, want) {
		t.Errorf("podman's table: got %+v, want %+v", podman, want)
	}
	short := toProcesses([]string{"PID", "CMD"}, [][]string{{"7"}})
	if len(short) != 1 || short[0].PID != 7 || short[0].Command != "" {
		t.Errorf("a short row: got %+v", short)
	}
}

// Podman 4.3 sends a busybox container's ps table unsplit: one title
// string and one string per process.
func TestToProcessesSplitsAnUnsplitTable(t *testing.T) {
	got := toProcesses([]string{"PID   USER     COMMAND"}, [][]string{{"1 root     sleep 30"}, {"12 nobody   sh -c  x  y"}})
	if len(got) != 2 || got[0].PID != 1 || got[0].User != "root" || got[0].Command != "sleep 30" ||
		got[1].PID != 12 || got[1].User != "nobody" || got[1].Command != "sh -c  x  y" {
		t.Fatalf("got %+v", got)
	}
}
