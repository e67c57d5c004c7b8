//go:build !atlscim_pkgconfig

package atlscim

// By default the package links the static library built in this repository
// (cargo build --release -p atlscim-ffi), so the Go program needs no libatlscim.so at run time.
// The system libraries are what the Rust standard library needs (ffi/atlscim.pc.in,
// Libs.private). Build with -tags atlscim_pkgconfig to use an installed atlscim.pc instead.

// #cgo CFLAGS: -I${SRCDIR}/../include
// #cgo LDFLAGS: ${SRCDIR}/../target/release/libatlscim.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
import "C"
