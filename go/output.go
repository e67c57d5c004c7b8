package atlscim

/*
#include "atlscim.h"

// For the tests: owned output that claims `len` bytes at no address. It shows what a length the
// C ABI can return (a size_t) becomes in Go, without allocating gigabytes to get one.
static atlscim_bytes go_claimed_output(size_t len) {
	atlscim_bytes out = {NULL, len};
	return out;
}
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

// outputLength is the length of output the library returns, as a Go length. The C ABI gives a
// size_t; cgo's C.GoBytes and C.GoStringN take a C int, which turns anything past 2 GiB negative
// (a panic) or, past 4 GiB, into a wrong length. Any length a Go slice holds is kept whole; a
// larger one is an error.
func outputLength(n C.size_t) (int, error) {
	if uint64(n) > math.MaxInt {
		return 0, &Error{Status: StatusInvalidLength,
			Message: fmt.Sprintf("the library returned %d bytes, more than a Go slice holds", uint64(n))}
	}
	return int(n), nil
}

// copyOutput copies `n` bytes of the library's output at `data` into Go memory, in one copy,
// whatever their size.
func copyOutput(data *C.char, n C.size_t) ([]byte, error) {
	length, err := outputLength(n)
	if err != nil {
		return nil, err
	}
	out := make([]byte, length)
	if length > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(data)), length))
	}
	return out, nil
}

// copyString is copyOutput for text (an error's message and fields): a string too long for Go
// is cut to nothing rather than failing the error that carries it.
func copyString(s C.atlscim_str) string {
	length, err := outputLength(s.len)
	if err != nil || length == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(s.data)), length))
}

// claimedOutput is go_claimed_output, for the tests.
func claimedOutput(n uint64) C.atlscim_bytes {
	return C.go_claimed_output(C.size_t(n))
}
