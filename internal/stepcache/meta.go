package stepcache

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Meta is what an entry says of itself.
type Meta struct {
	// Key is the entry's key (Commit sets it).
	Key string `json:"key"`
	// Pipeline is the absolute path of the pipeline file of the run that
	// stored it, Step the step's name and RunID that run's ID.
	Pipeline string `json:"pipeline"`
	Step     string `json:"step"`
	RunID    string `json:"run_id"`
	// Created is when it was committed, Used when it was last looked up
	// (Created until then).
	Created time.Time `json:"created"`
	Used    time.Time `json:"used"`
	// Size is the bytes of all its blobs and its meta file.
	Size int64 `json:"size"`
	// Data is the executor's payload: JSON the store does not look into.
	// List leaves it out.
	Data json.RawMessage `json:"data,omitempty"`
}

// blobRecord is one blob as the meta file records it; the i-th record's
// content is the file blobs/i.
type blobRecord struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// metaFile is the content of an entry's meta file.
type metaFile struct {
	Meta  Meta         `json:"meta"`
	Blobs []blobRecord `json:"blobs"`
}

// metaMagic starts a meta file: "runjob-reuse-meta 1 <hmac hex>\n" and
// then the JSON body the HMAC-SHA256 (under the hash key) is of.
const metaMagic = "runjob-reuse-meta 1 "

// maxMetaBytes bounds what Lookup reads of a meta file.
const maxMetaBytes = 64 << 20

// sealMeta encodes m with its MAC and sets m.Meta.Size to blobBytes plus
// the encoding's own length (which depends on Size: iterate to the fixed
// point, reached in two or three rounds).
func sealMeta(hashKey []byte, m *metaFile, blobBytes int64) ([]byte, error) {
	var out []byte
	size := blobBytes
	for range 5 {
		m.Meta.Size = size
		body, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("reuse store: meta: %w", err)
		}
		mac := hmac.New(sha256.New, hashKey)
		mac.Write(body)
		out = append(fmt.Appendf(nil, "%s%x\n", metaMagic, mac.Sum(nil)), body...)
		if size == blobBytes+int64(len(out)) {
			break
		}
		size = blobBytes + int64(len(out))
	}
	return out, nil
}

// parseMeta reads a meta file of the entry key: the MAC must hold under
// hashKey and the content must make sense. The error says why not.
func parseMeta(hashKey []byte, key string, b []byte) (*metaFile, error) {
	head, body, ok := bytes.Cut(b, []byte("\n"))
	sum, found := bytes.CutPrefix(head, []byte(metaMagic))
	if !ok || !found {
		return nil, errors.New("meta file: not a runjob reuse meta file")
	}
	got := make([]byte, sha256.Size)
	if len(sum) != 2*sha256.Size {
		return nil, errors.New("meta file: malformed checksum")
	}
	if _, err := hex.Decode(got, sum); err != nil {
		return nil, errors.New("meta file: malformed checksum")
	}
	mac := hmac.New(sha256.New, hashKey)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return nil, errors.New("meta file: checksum mismatch")
	}
	var m metaFile
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("meta file: %w", err)
	}
	if err := m.check(key); err != nil {
		return nil, fmt.Errorf("meta file: %w", err)
	}
	return &m, nil
}

// check rejects a sealed meta that still cannot be right.
func (m *metaFile) check(key string) error {
	if m.Meta.Key != key {
		return fmt.Errorf("it is of key %q", shortKey(m.Meta.Key))
	}
	var total int64
	seen := make(map[string]bool, len(m.Blobs))
	for _, b := range m.Blobs {
		if err := checkBlobName(b.Name); err != nil || seen[b.Name] {
			return fmt.Errorf("blob %q: bad or repeated name", b.Name)
		}
		seen[b.Name] = true
		if sum, err := hex.DecodeString(b.SHA256); err != nil || len(sum) != sha256.Size {
			return fmt.Errorf("blob %q: bad sha256", b.Name)
		}
		if b.Size < 0 || total+b.Size < total {
			return fmt.Errorf("blob %q: bad size %d", b.Name, b.Size)
		}
		total += b.Size
	}
	if m.Meta.Size < total {
		return fmt.Errorf("size %d is less than its blobs' %d", m.Meta.Size, total)
	}
	return nil
}
