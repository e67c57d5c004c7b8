package atlscim

import (
	"errors"
	"math"
	"net/http"
	"testing"
	"time"
)

// The length of the library's output reaches Go whole, however large: cgo's C.GoBytes took a C
// int, which made 2 GiB and more a panic ("gobytes: length out of range") and 4 GiB and more a
// wrong length. A C shim claims the lengths, so nothing that large is allocated.
func TestOutputLengthsPast2GiB(t *testing.T) {
	for _, n := range []uint64{1<<31 - 1, 1 << 31, 1<<31 + 5, 1<<32 + 5, math.MaxInt} {
		out := claimedOutput(n)
		got, err := outputLength(out.len)
		if err != nil || uint64(got) != n {
			t.Errorf("%d bytes: length %d, %v", n, got, err)
		}
	}
	// More than a Go slice holds is an error, never a panic.
	_, err := outputLength(claimedOutput(math.MaxUint64).len)
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalidLength {
		t.Errorf("SIZE_MAX bytes: %v", err)
	}
	if _, err := copyOutput(nil, claimedOutput(math.MaxUint64).len); !errors.As(err, &e) {
		t.Errorf("copy of SIZE_MAX bytes: %v", err)
	}
	if b, err := copyOutput(nil, claimedOutput(0).len); err != nil || b == nil || len(b) != 0 {
		t.Errorf("no bytes: %v %v", b, err)
	}
}

// A wait never turns negative: float seconds times a billion overflowed time.Duration (a
// Retry-After of 1e308 waited a negative time). The library caps the wait; waitOf holds anyway.
func TestWaitNeverNegative(t *testing.T) {
	for seconds, want := range map[float64]time.Duration{
		30:              30 * time.Second,
		86400:           24 * time.Hour,
		0:               0,
		-5:              0,
		1e308:           time.Duration(math.MaxInt64),
		math.Inf(1):     time.Duration(math.MaxInt64),
		9.3e9:           time.Duration(math.MaxInt64),
		365 * 86400 * 1: 365 * 24 * time.Hour,
	} {
		if got := waitOf(seconds); got != want {
			t.Errorf("waitOf(%g) = %v, want %v", seconds, got, want)
		}
	}
	if got := waitOf(math.NaN()); got != time.Duration(math.MaxInt64) {
		t.Errorf("waitOf(NaN) = %v", got)
	}
	// Through the library: the longest wait a header can ask for is the cap, positive.
	r, err := ClassifyResponse(429, nil, http.Header{"Retry-After": {"1e308"}}, time.Unix(1763900000, 0))
	if err != nil || r.RetryAfter != 24*time.Hour || !r.RetryAfterClamped {
		t.Errorf("Retry-After 1e308: %+v %v", r, err)
	}
}
