package executor

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// The key is what docs/reuse.md says, computed here from the text of the
// documentation rather than from the code's helpers.
func TestReuseKeyEncodingIsTheDocumented(t *testing.T) {
	hk := []byte("0123456789abcdef0123456789abcdef")
	kp := keyParts{}
	kp.add("command", "sh", "-c", "echo ü")
	kp.add("workdir", "")
	if got := string(kp["command"]); got != "1:3,2:sh,2:-c,7:echo ü," {
		t.Fatalf("command's value = %q", got)
	}
	k := kp.seal(hk, "sha256:x")
	mac := func(parts ...string) string {
		m := hmac.New(sha256.New, hk)
		m.Write([]byte("runjob-reuse-key-v1\n" + strings.Join(parts, "")))
		return hex.EncodeToString(m.Sum(nil))
	}
	cmd := mac("7:command,", "1:3,2:sh,2:-c,7:echo ü,")
	wd := mac("7:workdir,", "1:1,0:,")
	if k.Parts["command"] != cmd || k.Parts["workdir"] != wd {
		t.Fatalf("part digests = %v", k.Parts)
	}
	if want := mac("7:command,", "64:"+cmd+",", "7:workdir,", "64:"+wd+","); k.Key != want {
		t.Fatalf("key = %s, want %s", k.Key, want)
	}
	other := keyParts{}
	other.add("command", "sh", "-c echo ü")
	other.add("workdir", "")
	if other.seal(hk, "").Key == k.Key {
		t.Error("two commands that join alike have one key")
	}
	if kp.seal(bytes.Repeat([]byte("k"), 32), "").Key == k.Key {
		t.Error("the key does not depend on the store's hash key")
	}
}
