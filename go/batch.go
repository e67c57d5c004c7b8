package atlscim

/*
#include "check.h"

#cgo noescape go_batch_check
#cgo nocallback go_batch_check
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"sync"
)

// Batch checks the requests of one directory sync in order, adding to each request's own report
// the rules a single request cannot show: a userName or primary email sent twice (ATL-U-007),
// users beyond the directory limit (ATL-L-001), requests for a user the batch deleted
// (ATL-U-023), groups growing past their member limit (ATL-G-007). What it remembers is one
// userName and email per user and the ids it deleted: a few megabytes for 150,000 users.
//
// A batch is a sequence: its methods may be called from several goroutines (they take turns),
// but the order of the requests, which the rules depend on, is the order the calls come in.
//
// Close frees it; a batch that is never closed is freed when the garbage collector finds it
// unreachable.
type Batch struct {
	mu      sync.Mutex
	handle  *C.atlscim_batch
	profile *Profile // builds the normalized body of reports with fixes
	cleanup runtime.Cleanup
}

// BatchSummary is a batch's totals so far.
type BatchSummary struct {
	Requests int `json:"requests"`
	Valid    int `json:"valid"`
	Invalid  int `json:"invalid"`
	// ByRule counts the issues each rule raised (errors, warnings and infos), by rule id.
	ByRule map[string]int `json:"byRule"`
}

// NewBatch starts a batch that checks with the profile's rules. The batch holds its own copy of
// the profile's rules; only Report.Normalized on its reports needs the profile still open.
func (p *Profile) NewBatch() (*Batch, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, ErrClosed
	}
	var handle *C.atlscim_batch
	var cerr *C.atlscim_error
	if status := C.atlscim_batch_new(p.handle, &handle, &cerr); status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	b := &Batch{handle: handle, profile: p}
	b.cleanup = runtime.AddCleanup(b, func(handle *C.atlscim_batch) {
		handlesFreedByCleanup.Add(1)
		C.atlscim_batch_free(handle)
	}, handle)
	return b, nil
}

// Check checks the next request of the batch, as Profile.Check does, with the batch rules. The
// error is nil whenever a report was made, valid or not; a failed call is not counted as a
// request of the batch.
func (b *Batch) Check(req Request) (*Report, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.handle == nil {
		return nil, ErrClosed
	}
	var r C.go_result
	var issueRoom [16]C.go_issue
	var textRoom [2048]C.char
	status := C.go_batch_check(b.handle, req.Method, req.Path, cBytes(req.Body), C.size_t(len(req.Body)),
		cBytes(req.Current), C.size_t(len(req.Current)), C.bool(req.Normalize), &r,
		&issueRoom[0], C.size_t(len(issueRoom)), &textRoom[0], C.size_t(len(textRoom)))
	if status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, r.err)
	}
	return checked(b.profile, req, &r, issueRoom[:], textRoom[:], false)
}

// Summary returns the totals so far.
func (b *Batch) Summary() (BatchSummary, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var s BatchSummary
	if b.handle == nil {
		return s, ErrClosed
	}
	text, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_batch_summary_json(b.handle, out, cerr)
	})
	if err == nil {
		err = json.Unmarshal(text, &s)
	}
	return s, err
}

// Close frees the batch. Later calls return ErrClosed; reports it made stay valid. Closing
// twice is harmless.
func (b *Batch) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.handle != nil {
		b.cleanup.Stop()
		C.atlscim_batch_free(b.handle)
		b.handle = nil
	}
	return nil
}
