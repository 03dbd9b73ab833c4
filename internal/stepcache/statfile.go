package stepcache

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// statKey is a file's stat as the stat cache records it.
type statKey struct {
	size, mtime, ctime int64
	ino                uint64
	mode               uint32
}

// statEntry is what the stat cache knows of one regular file: the stat it
// had when its content hashed to sum.
type statEntry struct {
	key statKey
	sum [sha256.Size]byte
}

// A stat cache file is "runjob-reuse-stat 1 <hmac hex>\n" and a body the
// HMAC-SHA256 (under the hash key) is of: the quoted root on the first
// line, then one line per file:
// "<sha256 hex> <size> <mtime ns> <ctime ns> <inode> <mode> <quoted rel>".
const statMagic = "runjob-reuse-stat 1 "

func encodeStat(hashKey []byte, root string, files map[string]statEntry) []byte {
	body := append(strconv.AppendQuote(nil, root), '\n')
	for rel, e := range files {
		k := e.key
		body = fmt.Appendf(body, "%x %d %d %d %d %d %s\n", e.sum, k.size, k.mtime, k.ctime, k.ino, k.mode, strconv.Quote(rel))
	}
	mac := hmac.New(sha256.New, hashKey)
	mac.Write(body)
	return append(fmt.Appendf(nil, "%s%x\n", statMagic, mac.Sum(nil)), body...)
}

// parseStat reads a stat cache file of root. Anything wrong with it is an
// error: the caller hashes everything, as with no cache.
func parseStat(hashKey []byte, root string, b []byte) (map[string]statEntry, error) {
	head, body, ok := bytes.Cut(b, []byte("\n"))
	sum, found := bytes.CutPrefix(head, []byte(statMagic))
	got, err := hex.DecodeString(string(sum))
	if !ok || !found || err != nil {
		return nil, errors.New("stat cache: not a stat cache file")
	}
	mac := hmac.New(sha256.New, hashKey)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return nil, errors.New("stat cache: checksum mismatch")
	}
	first, rest, _ := bytes.Cut(body, []byte("\n"))
	if r, err := strconv.Unquote(string(first)); err != nil || r != root {
		return nil, errors.New("stat cache: of another root")
	}
	files := map[string]statEntry{}
	for len(rest) > 0 {
		var line []byte
		line, rest, ok = bytes.Cut(rest, []byte("\n"))
		rel, e, err := parseStatLine(string(line))
		if err != nil || !ok {
			return nil, fmt.Errorf("stat cache: line %q: bad", line)
		}
		files[rel] = e
	}
	return files, nil
}

func parseStatLine(line string) (string, statEntry, error) {
	var e statEntry
	var f [6]string
	for i := range f {
		var ok bool
		if f[i], line, ok = strings.Cut(line, " "); !ok {
			return "", e, errors.New("too few fields")
		}
	}
	if len(f[0]) != 2*sha256.Size {
		return "", e, errors.New("bad sum")
	}
	if _, err := hex.Decode(e.sum[:], []byte(f[0])); err != nil {
		return "", e, errors.New("bad sum")
	}
	var errs [5]error
	e.key.size, errs[0] = strconv.ParseInt(f[1], 10, 64)
	e.key.mtime, errs[1] = strconv.ParseInt(f[2], 10, 64)
	e.key.ctime, errs[2] = strconv.ParseInt(f[3], 10, 64)
	e.key.ino, errs[3] = strconv.ParseUint(f[4], 10, 64)
	mode, err := strconv.ParseUint(f[5], 10, 32)
	e.key.mode, errs[4] = uint32(mode), err
	rel, err := strconv.Unquote(line)
	if err := errors.Join(append(errs[:], err)...); err != nil || e.key.size < 0 {
		return "", e, errors.New("bad field")
	}
	return rel, e, nil
}
