package swarm

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// A reservation task must keep running while its step runs: Swarm counts
// the resources of running tasks only. Its container runs the pause
// program below, in an image runjob loads onto each node itself, so a
// reservation never depends on a registry or on what images a node has.
// Swarm is given the image by ID (sha256:...): a node then never tries to
// pull it, and the ID is the same everywhere because the image is built
// byte for byte the same (no timestamps).

// pauseProgram is a static x86-64 Linux ELF executable of 129 bytes that
// calls pause(2) forever: the smallest process that sleeps. It is killed,
// never asked to stop (as PID 1 it ignores SIGTERM; the reservation's stop
// grace period is 0).
func pauseProgram() []byte {
	const base, hdr = 0x400000, 64 + 56
	// mov eax, 34 (pause); syscall; jmp back to mov
	code := []byte{0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7}
	var b bytes.Buffer
	w := func(v ...any) {
		for _, x := range v {
			_ = binary.Write(&b, binary.LittleEndian, x)
		}
	}
	b.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // 64-bit, little-endian, SysV
	// ELF header: executable, x86-64, version 1, entry, program headers at
	// 64, no sections, header sizes, one program header.
	w(uint16(2), uint16(0x3e), uint32(1), uint64(base+hdr), uint64(64), uint64(0),
		uint32(0), uint16(64), uint16(56), uint16(1), uint16(64), uint16(0), uint16(0))
	total := uint64(hdr + len(code))
	// One loadable segment, read and execute, the whole file at base.
	w(uint32(1), uint32(5), uint64(0), uint64(base), uint64(base), total, total, uint64(0x1000))
	b.Write(code)
	return b.Bytes()
}

// PauseArch is the platform the pause program runs on, as Swarm names a
// node's architecture: reservations are constrained to it.
const PauseArch = "x86_64"

// pauseImage is the image of the pause program in `docker save` format
// (one layer, a config without timestamps) and its ID, built once.
var pauseImage = sync.OnceValues(buildPauseImage)

func buildPauseImage() (archive []byte, id string) {
	layer := tarOf(tarFile{"pause", 0o755, pauseProgram()})
	diffID := sha256.Sum256(layer)
	cfg, _ := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"Entrypoint": []string{"/pause"}, "Labels": map[string]string{LabelReservation: "pause"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + hex.EncodeToString(diffID[:])}},
	})
	sum := sha256.Sum256(cfg)
	cfgName, layerName := hex.EncodeToString(sum[:])+".json", hex.EncodeToString(diffID[:])+"/layer.tar"
	manifest, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{pauseTag}, "Layers": []string{layerName}}})
	archive = tarOf(tarFile{cfgName, 0o644, cfg}, tarFile{layerName, 0o644, layer}, tarFile{"manifest.json", 0o644, manifest})
	return archive, "sha256:" + hex.EncodeToString(sum[:])
}

// pauseTag names the pause image on the nodes, so that an operator who
// lists a node's images knows what it is.
const pauseTag = "runjob/pause:1"

type tarFile struct {
	name string
	mode int64
	body []byte
}

func tarOf(files ...tarFile) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range files {
		_ = tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: tar.TypeReg, Format: tar.FormatPAX})
		_, _ = tw.Write(f.body)
	}
	_ = tw.Close()
	return b.Bytes()
}

// ensurePause loads the pause image onto n unless it is there, once per
// node and engine.
func (e *Engine) ensurePause(ctx context.Context, n *node) error {
	archive, id := pauseImage()
	return e.pause.do(ctx, n.id, func() error {
		if _, err := n.cli.ImageInspect(ctx, id); err == nil {
			return nil
		} else if !cerrdefs.IsNotFound(err) {
			return e.nodeErr(n, fmt.Errorf("inspect the pause image: %w", err))
		}
		if err := loadImage(ctx, n.cli, bytes.NewReader(archive)); err != nil {
			return e.nodeErr(n, fmt.Errorf("load the pause image: %w", err))
		}
		return nil
	})
}

// loadImage is POST /images/load of archive, reading the daemon's answer
// to the end: an error in it is the load's.
func loadImage(ctx context.Context, cli *client.Client, archive io.Reader) error {
	res, err := cli.ImageLoad(ctx, archive, client.ImageLoadWithQuiet(true))
	if err != nil {
		return err
	}
	defer res.Close()
	dec := json.NewDecoder(res)
	for {
		var m struct {
			Error       string
			ErrorDetail *struct{ Message string }
		}
		switch err := dec.Decode(&m); {
		case err == io.EOF:
			return nil
		case err != nil:
			return fmt.Errorf("read the load's answer: %w", err)
		case m.Error != "":
			return fmt.Errorf("%s", m.Error)
		}
	}
}
