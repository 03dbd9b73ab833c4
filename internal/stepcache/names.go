package stepcache

import (
	"fmt"
	"unicode/utf8"
)

// maxKeyLen bounds a key: it is a directory name.
const maxKeyLen = 128

// checkKey accepts 1 to 128 ASCII letters, digits, '-' and '_': a hex or
// base64url digest is a key, and a key is always a safe directory name.
func checkKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return fmt.Errorf("reuse store: key of %d bytes: want 1 to %d", len(key), maxKeyLen)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("reuse store: key %q: only letters, digits, '-' and '_' are allowed", key)
		}
	}
	return nil
}

// maxBlobName bounds a blob's name. Blobs are stored as blobs/0, 1, ...,
// so a name is never a file name and needs no other rule.
const maxBlobName = 1024

func checkBlobName(name string) error {
	if name == "" || len(name) > maxBlobName || !utf8.ValidString(name) {
		return fmt.Errorf("reuse store: blob name %q: want 1 to %d bytes of UTF-8", name, maxBlobName)
	}
	return nil
}

// shortKey is a key as messages show it.
func shortKey(key string) string {
	if len(key) > 12 {
		return key[:12]
	}
	return key
}
