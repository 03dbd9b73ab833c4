// Package artifacts moves files between host directories and the tar
// streams of a container engine, in both directions, at stream speed and in
// bounded memory:
//
//   - [Extract] writes a stream from the engine (an artifact, or a whole
//     container export) into a host directory, treating it as untrusted
//     input, and can return a [Manifest] of what it wrote;
//   - [Pack] writes a host file or directory (a step's input, or an
//     upstream step's artifact) as a stream for the engine to unpack;
//   - [ManifestOf], [Verify], [WriteManifest] and [ReadManifest] describe a
//     tree by path, type, size, mode and sha256, and check a tree against
//     such a description.
//
// The archive comes from a container the pipeline does not control, so the
// extractor is safe by construction rather than by careful path joining:
//
//   - every filesystem operation goes through an [os.Root] opened on the
//     destination, so no write can land outside it, even through a symlink
//     planted by an earlier entry;
//   - on top of that, entries that could only be useful to an attacker are
//     refused up front with an [*UnsafeEntryError] (absolute names, ".."
//     components, symlinks or hard links pointing out of the tree, device
//     nodes, fifos, unknown entry types), so a hostile archive fails loudly
//     instead of being silently trimmed;
//   - symlinks are recreated as links and never followed: an entry whose
//     parent path crosses a symlink is refused, and a file or link replacing
//     an existing name first removes what was there;
//   - content is streamed through a fixed buffer and capped by
//     [Options.MaxBytes], and the number of entries by [Options.MaxEntries].
//
// Symlink targets are checked lexically against the link's own directory,
// which is sound because targets may only use ".." as leading components
// (so a chain like "u -> ." plus "a -> u/.." cannot climb out) and links are
// never created below another link. Links already present in dest are not
// written through either, but where they point is the caller's business: a
// new link may legitimately name one.
//
// Pack applies the same symlink rule to the host tree it reads, and reads
// through an [os.Root] too, so packing never reads outside the source.
//
// Extraction targets Unix hosts; ownership is never changed (files belong
// to the user running runjob), and setuid/setgid/sticky bits are dropped.
package artifacts
