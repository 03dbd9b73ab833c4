package errkind

import (
	"errors"
	"fmt"
	"testing"
)

func TestOfAndMessage(t *testing.T) {
	base := errors.New("daemon gone")
	cases := []struct {
		err  error
		kind Kind
		msg  string
	}{
		{nil, OK, ""},
		{New(Engine, base), Engine, "daemon gone"},
		{fmt.Errorf("run: %w", New(Interrupted, base)), Interrupted, "run: daemon gone"},
		{New(Failed, nil), Failed, ""},
		{Errorf(Usage, "--var %q: want name=value", "x"), Usage, `--var "x": want name=value`},
		{errors.New("unknown flag: --nope"), Usage, "unknown flag: --nope"},
	}
	for i, c := range cases {
		if got := Of(c.err); got != c.kind {
			t.Errorf("case %d: Of = %s, want %s", i, got, c.kind)
		}
		if got := Message(c.err); got != c.msg {
			t.Errorf("case %d: Message = %q, want %q", i, got, c.msg)
		}
	}
	if !errors.Is(New(Engine, base), base) {
		t.Error("an Error does not unwrap to its cause")
	}
}
