package mask

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

type status string

type inner struct {
	Path  string
	Data  []byte
	Err   error
	Any   any
	When  time.Time
	State status
}

type outer struct {
	Name    string
	List    []string
	Env     map[string]string
	Inner   *inner
	Again   *inner // the same pointer as Inner
	Items   []*inner
	Fixed   [2]string
	private string
}

func TestDeepMasksEveryUserString(t *testing.T) {
	const s = "s3cret-Value"
	m := New(s)
	now := time.Now()
	in := &inner{Path: "/x/" + s, Data: []byte("b " + s), Err: fmt.Errorf("open %s: no", s),
		Any: "any " + s, When: now, State: status(s)}
	v := &outer{Name: s, List: []string{"a", s}, Env: map[string]string{s: "k", "v": s}, Inner: in, Again: in,
		Items: []*inner{{Path: s}}, Fixed: [2]string{s, "ok"}, private: s}
	got := Deep(m, v)
	i := *got.Inner
	dump := fmt.Sprint(got.Name, got.List, got.Env, got.Fixed, i.Path, string(i.Data), i.Err, i.Any, got.Items[0].Path)
	if strings.Contains(dump, s) {
		t.Errorf("a value survived: %s", dump)
	}
	if got.Inner.Err.Error() != "open /x/***: no" && got.Inner.Err.Error() != "open ***: no" {
		t.Errorf("error = %q", got.Inner.Err)
	}
	if got.Inner != got.Again {
		t.Error("a shared pointer became two copies")
	}
	if !got.Inner.When.Equal(now) || got.Inner.State != status(s) || got.private != s {
		t.Errorf("non-user data changed: %+v", got.Inner)
	}
	if v.Name != s || v.Inner.Path != "/x/"+s || string(v.Inner.Data) != "b "+s {
		t.Error("Deep modified its argument")
	}
}

func TestDeepWithoutSecretsIsIdentity(t *testing.T) {
	v := &outer{Name: "x"}
	if Deep(New(), v) != v || Deep[*outer](nil, v) != v {
		t.Error("an empty masker copied")
	}
}

func TestErrorMaskedDoesNotUnwrap(t *testing.T) {
	base := errors.New("token s3cret-Value refused")
	err := New("s3cret-Value").Error(fmt.Errorf("login: %w", base))
	if err.Error() != "login: token *** refused" || errors.Is(err, base) {
		t.Errorf("got %q (unwraps to the original: %v)", err, errors.Is(err, base))
	}
	plain := errors.New("nothing secret")
	if New("s3cret-Value").Error(plain) != plain {
		t.Error("an error without secrets was replaced")
	}
}

func TestDeepCycles(t *testing.T) {
	type node struct {
		Name string
		Next *node
	}
	a := &node{Name: "s3cret-Value"}
	a.Next = a
	got := Deep(New("s3cret-Value"), a)
	if got.Name != "***" || got.Next != got {
		t.Errorf("cycle: %+v", got)
	}
}
