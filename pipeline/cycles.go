package pipeline

// SearchCycles walks the directed graph of n nodes depth first, taking
// roots in index order and each node's edges in the order edges returns
// them, so what it reports is stable. It is the one cycle search of the
// step graph and of the loader's locals.
//
// cycle is called as each cycle is closed, with its path in edge order
// (a -> b -> ... -> a: it starts and ends at the same node) and the index,
// in edges(path[len(path)-2]), of the edge that closed it. The path is the
// caller's to keep. A cycle is reported once per closing edge: a duplicate
// edge closes it again.
//
// done, if not nil, is called when every edge of node i has been followed:
// a post order, in which i comes after every node it reaches that is not on
// a cycle through i.
func SearchCycles(n int, edges func(i int) []int, cycle func(path []int, edge int), done func(i int)) {
	const (
		unvisited = iota
		onStack
		finished
	)
	state := make([]int, n)
	var stack []int
	var visit func(i int)
	visit = func(i int) {
		state[i] = onStack
		stack = append(stack, i)
		for k, d := range edges(i) {
			switch state[d] {
			case unvisited:
				visit(d)
			case onStack:
				start := len(stack) - 1
				for stack[start] != d {
					start--
				}
				path := append(append(make([]int, 0, len(stack)-start+1), stack[start:]...), d)
				cycle(path, k)
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = finished
		if done != nil {
			done(i)
		}
	}
	for i := range n {
		if state[i] == unvisited {
			visit(i)
		}
	}
}
