// Package layering holds the test that keeps runjob's imports pointing
// down (ARCHITECTURE.md). It has no code of its own.
package layering
