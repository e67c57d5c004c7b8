//go:build atlscim_repo

package atlscim

// The repository's own tests (scripts/test-go.sh) build with -tags atlscim_repo: the header from
// ../include and the static library built in this checkout (cargo build --release -p atlscim-ffi),
// with no installed atlscim.pc needed. The system libraries are what the Rust standard library
// needs (ffi/atlscim.pc.in, Libs.private).

// #cgo CFLAGS: -I${SRCDIR}/../include
// #cgo LDFLAGS: ${SRCDIR}/../target/release/libatlscim.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
import "C"
