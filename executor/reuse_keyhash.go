package executor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
)

// How a key's parts are encoded and hashed (docs/reuse.md, "The key").

// reuseKeyVersion starts every HMAC input: a change of what goes into the
// key (or how) bumps it, so no key of the old scheme matches.
const reuseKeyVersion = "runjob-reuse-key-v1\n"

// keyParts accumulates the canonical values of a key's parts.
type keyParts map[string][]byte

func (kp keyParts) add(name string, values ...string) {
	var b []byte
	b = netstring(b, strconv.Itoa(len(values)))
	for _, v := range values {
		b = netstring(b, v)
	}
	kp[name] = b
}

func netstring(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	b = append(b, s...)
	return append(b, ',')
}

// seal hashes each part and then the whole under hk.
func (kp keyParts) seal(hk []byte, imageID string) *reuseKey {
	k := &reuseKey{Parts: make(map[string]string, len(kp)), ImageID: imageID}
	names := make([]string, 0, len(kp))
	for name, v := range kp {
		m := hmac.New(sha256.New, hk)
		m.Write([]byte(reuseKeyVersion))
		m.Write(netstring(nil, name))
		m.Write(v)
		k.Parts[name] = hex.EncodeToString(m.Sum(nil))
		names = append(names, name)
	}
	slices.Sort(names)
	m := hmac.New(sha256.New, hk)
	m.Write([]byte(reuseKeyVersion))
	for _, name := range names {
		m.Write(netstring(netstring(nil, name), k.Parts[name]))
	}
	k.Key = hex.EncodeToString(m.Sum(nil))
	return k
}

// manifestDigest is the canonical form of an artifact's manifest in a key:
// the sha256 of its JSON, which lists every path with its type, size, mode
// and content digest, and no times.
func manifestDigest(m any) string {
	b, _ := json.Marshal(m) // a Manifest always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
