package atlscim

/*
#include "atlscim.h"

static atlscim_status go_filter_parse(_GoString_ text, bool strict, atlscim_filter **out, atlscim_error **err) {
	return atlscim_filter_parse(_GoStringPtr(text), _GoStringLen(text), strict, out, err);
}
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"sync"
)

// Filter is a parsed SCIM filter (RFC 7644 §3.4.2.2), e.g. `userName eq "bjensen"` or
// `emails[type eq "work"]`. It is immutable: any number of goroutines may use one at once.
//
// Close frees it; a filter that is never closed is freed when the garbage collector finds it
// unreachable.
type Filter struct {
	// Matches holds the read lock for its C call; Close takes the write lock.
	mu      sync.RWMutex
	handle  *C.atlscim_filter
	text    string
	cleanup runtime.Cleanup
}

// ParseFilter parses a filter with the library's limits (4096 characters, nesting depth 32, 256
// attribute expressions). With strict false (lenient) it also reads what identity providers send
// outside the grammar: Entra ID's `emails[type eq "work"].value eq "x"`, extra whitespace, a
// missing space before a quoted value; a lenient filter also matches the strings "true" and
// "false" as booleans.
//
// A filter that does not parse gives an *Error with StatusInvalidFilter: its Offset (in
// characters) says where, and Rule, HTTPStatus and ScimType what a server would answer
// (RFC-F-001, 400, invalidFilter).
func ParseFilter(text string, strict bool) (*Filter, error) {
	var handle *C.atlscim_filter
	var cerr *C.atlscim_error
	if status := C.go_filter_parse(text, C.bool(strict), &handle, &cerr); status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	canonical, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_filter_to_string(handle, out, cerr)
	})
	if err != nil {
		C.atlscim_filter_free(handle)
		return nil, err
	}
	f := &Filter{handle: handle, text: string(canonical)}
	f.cleanup = runtime.AddCleanup(f, func(handle *C.atlscim_filter) {
		handlesFreedByCleanup.Add(1)
		C.atlscim_filter_free(handle)
	}, handle)
	return f, nil
}

// String returns the filter in canonical form: operators in lower case, one space between
// tokens, parentheses only where precedence needs them. Parsing it again gives the same filter.
// It stays available after Close.
func (f *Filter) String() string {
	return f.text
}

// JSON returns the filter as a JSON tree: {"op": "and", "filters": [a, b, …]} (an and or or
// chain is one node with all its operands),
// {"op": "eq", "attr": "userName", "value": "bjensen"}, {"op": "pr", "attr": …},
// {"op": "not", "filter": …}, {"op": "valuePath", "attr": …, "filter": …}.
func (f *Filter) JSON() (json.RawMessage, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.handle == nil {
		return nil, ErrClosed
	}
	return takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_filter_to_json(f.handle, out, cerr)
	})
}

// Matches says whether a resource (JSON text) matches the filter, with SCIM semantics and no
// schema: attribute names and strings compare ignoring case, dateTimes as instants, a
// multi-valued attribute matches when any of its values does. A resource that is not JSON gives
// StatusInvalidJSON.
func (f *Filter) Matches(resource []byte) (bool, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.handle == nil {
		return false, ErrClosed
	}
	var matches C.bool
	var cerr *C.atlscim_error
	status := C.atlscim_filter_matches(f.handle, cBytes(resource), C.size_t(len(resource)), &matches, &cerr)
	if status != C.ATLSCIM_STATUS_OK {
		return false, takeError(status, cerr)
	}
	return bool(matches), nil
}

// Close frees the filter. It waits for Matches calls running on other goroutines; later calls
// return ErrClosed (String still works). Closing twice is harmless.
func (f *Filter) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.handle != nil {
		f.cleanup.Stop()
		C.atlscim_filter_free(f.handle)
		f.handle = nil
	}
	return nil
}
