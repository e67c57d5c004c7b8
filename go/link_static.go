//go:build atlscim_static && !atlscim_repo

package atlscim

// With -tags atlscim_static the library is linked statically, from atlscim-static.pc (beside
// atlscim.pc in the C tarball), so the program needs no libatlscim.so at run time.

// #cgo pkg-config: atlscim-static
import "C"
