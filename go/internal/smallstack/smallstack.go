//go:build linux

// Package smallstack runs Go code whose C calls execute on a system thread with a small stack,
// for the tests of atlscim's recursion ceilings: appliances call the library from threads with
// small stacks, and a goroutine's C calls otherwise run on a Go-made thread's large one.
//
// A thread created in C with the requested stack size calls back into Go; a cgo call made from
// that callback runs on the calling thread's own stack (the Go runtime's system stack for a
// C-created thread is that thread's stack), so the library runs within the size asked for.
package smallstack

/*
#include <stddef.h>
#include <stdint.h>

int smallstack_run(size_t bytes, uintptr_t handle);
size_t smallstack_current_size(void);
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
)

//export smallstackRun
func smallstackRun(handle C.uintptr_t) {
	cgo.Handle(handle).Value().(func())()
}

// Run calls fn on a new system thread whose stack is `bytes` long, and waits for it to return.
// The C calls fn makes run on that stack.
func Run(bytes int, fn func()) error {
	handle := cgo.NewHandle(fn)
	defer handle.Delete()
	if rc := C.smallstack_run(C.size_t(bytes), C.uintptr_t(handle)); rc != 0 {
		return fmt.Errorf("smallstack: cannot run a thread with a %d-byte stack (error %d)", bytes, int(rc))
	}
	return nil
}

// CurrentStackSize is the size of the stack that a C call from the calling goroutine runs on.
func CurrentStackSize() int {
	return int(C.smallstack_current_size())
}
