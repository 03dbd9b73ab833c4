// Package stepcache is the reuse store: the entries that let a step whose
// key has not changed be reused instead of run again, and the host-tree
// hasher (with a stat cache) that puts a host input's content into a key.
//
// The store is a directory shared by every runjob process of a user. What
// it holds:
//
//	lock          flock: shared while appending to the index, creating a
//	              temp or writing a stat cache; exclusive while compacting
//	              the index, removing entries and sweeping temps
//	hashkey       32 random bytes, the HMAC key of the store (see HashKey)
//	index         the LRU journal: one CRC-guarded JSON record per line
//	entries/KEY/  committed entries: meta (HMAC-sealed) and blobs/0, 1, ...
//	tmp/          entries being written (w-ID/ with its flock'ed w-ID.lock),
//	              entries being removed (x-ID/), files being written (f-ID)
//	stat/         one stat cache file per hashed root
//
// Guarantees:
//
//   - An entry is visible only whole: Commit writes it under tmp/, fsyncs
//     it and renames it into entries/ in one step, so a writer killed at any
//     moment leaves at most a temp, which the next Open or Prune removes once
//     its writer's flock is gone (never a live writer's).
//   - Nothing tampered with or corrupt is taken for good: the meta file is
//     sealed with an HMAC under the store's hash key, every blob's size is
//     checked at Lookup and its sha256 at the end of reading it. Such an
//     entry is a miss with a *TamperedError reason, and it is removed.
//   - A hit stays readable: Lookup opens every blob, so an entry evicted or
//     pruned by another process while its blobs are being read is read
//     whole. Close the Entry when done.
//   - Lookup holds no lock while reading: it takes the shared lock only for
//     the one append that marks the entry used.
//   - The index is a cache of the entries: a record lost (a writer killed
//     between the rename and the append) or a corrupt index is rebuilt from
//     the entries' meta files, so no entry is ever lost to it, and none
//     escapes eviction.
//
// Why a journal: a hit must be cheap and must not rewrite anything large,
// so it appends one short record (atomic for a single write on a local
// file system); eviction, List and Prune read the journal once, reconcile
// it with a listing of entries/ and rewrite it compacted. Per-entry stamps
// (touching a file on each hit) would make a hit as cheap but eviction
// would stat every entry and read every meta for its size and names.
package stepcache
