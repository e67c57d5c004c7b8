//go:build !atlscim_repo && !atlscim_static

package atlscim

// By default the header and the library come from an installed atlscim.pc (the C tarball's
// lib/pkgconfig; point PKG_CONFIG_PATH at it if it is not a standard directory). The linker takes
// the shared library, libatlscim.so.0, which the program then needs at run time. Build with
// -tags atlscim_static to link the static library instead (atlscim-static.pc).

// #cgo pkg-config: atlscim
import "C"
