//go:build atlscim_pkgconfig

package atlscim

// With -tags atlscim_pkgconfig the header and library come from an installed atlscim.pc
// (see ffi/README.md); point PKG_CONFIG_PATH at its directory if it is not a standard one.

// #cgo pkg-config: atlscim
import "C"
