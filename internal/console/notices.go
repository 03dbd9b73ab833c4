package console

import (
	"io"
	"sync"
)

// Notices carries messages from outside the run (the interrupt handler's)
// to stderr, or through the run's view while it lasts: written straight to
// stderr, they would land inside the live view's block and break its
// redraw, or overtake lines still waiting in a batch. The caller creates
// one for the process and passes it to New in Options; with none (nil),
// nothing is routed.
type Notices struct {
	mu  sync.Mutex
	def io.Writer
	w   io.Writer // nil: def
}

// NewNotices returns Notices that go to w when no run routes them.
func NewNotices(w io.Writer) *Notices { return &Notices{def: w} }

// Write implements io.Writer.
func (n *Notices) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.w == nil {
		return n.def.Write(p)
	}
	return n.w.Write(p)
}

// route sends notices to w (nil: back to the default). Callers must not
// hold a lock that w's Write takes.
func (n *Notices) route(w io.Writer) {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.w = w
}
