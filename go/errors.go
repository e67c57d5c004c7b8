package atlscim

// #include "atlscim.h"
import "C"

import "errors"

// Status is the library's status for a failed call. The numbers are fixed: a status never
// changes meaning. Status implements error, so errors.Is(err, atlscim.StatusInvalidConfig)
// works on any error this package returns.
type Status uint32

// The statuses of include/atlscim.h.
const (
	StatusOK            Status = C.ATLSCIM_STATUS_OK
	StatusPanic         Status = C.ATLSCIM_STATUS_PANIC // a bug in atlscim, caught: please report it
	StatusNullParameter Status = C.ATLSCIM_STATUS_NULL_PARAMETER
	StatusInvalidUTF8   Status = C.ATLSCIM_STATUS_INVALID_UTF8
	StatusInvalidLength Status = C.ATLSCIM_STATUS_INVALID_LENGTH
	StatusInvalidConfig Status = C.ATLSCIM_STATUS_INVALID_CONFIG
	StatusInvalidJSON   Status = C.ATLSCIM_STATUS_INVALID_JSON
)

// String describes the status ("invalid config"), in the library's words.
func (s Status) String() string {
	return C.GoString(C.atlscim_status_str(C.uint32_t(s)))
}

// Error makes a Status usable as an error and as a target for errors.Is.
func (s Status) Error() string {
	return "atlscim: " + s.String()
}

// Error is a failed call's error: the library's status and its message, which names the input
// at fault. An invalid SCIM request is never an Error: it is a Report that says invalid.
type Error struct {
	Status Status
	// Key names the config key at fault for StatusInvalidConfig ("limits.max_depth",
	// "verified_domains[1]"); empty when the whole config is at fault, and for other statuses.
	Key     string
	Message string
}

func (e *Error) Error() string {
	return "atlscim: " + e.Message
}

// Unwrap returns the status, so that errors.Is(err, atlscim.StatusInvalidConfig) holds.
func (e *Error) Unwrap() error {
	return e.Status
}

// ErrClosed is returned by the methods of a Profile after Close.
var ErrClosed = errors.New("atlscim: profile is closed")

// takeError turns a failed call's status and error object into an *Error, freeing the object.
func takeError(status C.atlscim_status, cerr *C.atlscim_error) error {
	e := &Error{Status: Status(status), Message: Status(status).String()}
	if cerr != nil {
		msg, key := C.atlscim_error_message(cerr), C.atlscim_error_key(cerr)
		e.Message = C.GoStringN(msg.data, C.int(msg.len))
		e.Key = C.GoStringN(key.data, C.int(key.len))
		C.atlscim_error_free(cerr)
	}
	return e
}
