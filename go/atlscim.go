// Package atlscim checks SCIM 2.0 requests before an identity-provider connector sends them to
// Atlassian Cloud's user provisioning API, and says what Atlassian would answer.
//
// Build a [Profile] once from a [Config], then check each request with [Profile.Check]. A
// profile is immutable and safe for any number of goroutines at once. An invalid SCIM request
// is not an error: Check returns a [Report] that says it is invalid (with the HTTP status and
// every [Issue], each naming its rule), and an error only when the call itself failed.
//
//	p, err := atlscim.NewProfile(atlscim.Config{VerifiedDomains: []atlscim.VerifiedDomain{{Domain: "example.com"}}})
//	if err != nil { ... }
//	defer p.Close()
//	report, err := p.Check(atlscim.Request{Method: "POST", Path: "/Users", Body: body})
//	if err != nil { ... }
//	if !report.Valid { log.Printf("Atlassian would answer %d: %s", report.Status, report.Issues[0].Detail) }
//
// The rest of atlscim is here too, JSON text in and out: [Profile.ApplyPatch] and [Profile.Diff]
// (PATCH as Atlassian applies it, and the smallest PATCH between two resources), [ParseFilter],
// [Profile.NewBatch] (a directory sync checked in order, with the rules only a batch can see),
// [ClassifyResponse] (what Atlassian's answer means: retry, wait, or why it refused),
// [Profile.MapUser] and [Profile.MapGroup] (identity-provider records to SCIM), and the
// normalizers ([NormalizeTimezone], [NormalizeLocale], [NormalizeEmail], ...). A failed call's
// error is an [*Error] carrying the library's [Status] and, where there is one, the verdict a
// SCIM server would give (rule, HTTP status, scimType).
//
// The package wraps atlscim's C ABI (include/atlscim.h) with cgo and links the static library
// libatlscim.a; it holds no SCIM logic of its own.
package atlscim

/*
#include "check.h"

#cgo noescape go_check
#cgo nocallback go_check
#cgo noescape go_copy
#cgo nocallback go_copy
#cgo nocallback atlscim_report_free

// For BenchmarkCheckUserCABI: n checks of one body through the C ABI alone, in one call from Go,
// each reading every issue's texts (copied out as go_copy does), as a caller of the C ABI that
// uses the issues pays and as Check does.
static void go_check_loop(const atlscim_profile *profile, const char *body, size_t body_len, long n) {
	atlscim_request request = {"POST", 4, "/Users", 6, body, body_len, NULL, 0};
	go_issue issues[16];
	char text[2048];
	for (; n > 0; n--) {
		atlscim_report *report = NULL;
		atlscim_profile_check(profile, &request, &report, NULL);
		go_copy(report, issues, 16, text, sizeof text);
		atlscim_report_free(report);
	}
}

// For BenchmarkApplyPatchCABI: n PATCHes of one resource through the C ABI alone, in one call.
static void go_apply_loop(const atlscim_profile *profile, const char *resource, size_t resource_len,
                          const char *patch, size_t patch_len, long n) {
	for (; n > 0; n--) {
		atlscim_bytes out = {NULL, 0};
		atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, resource, resource_len, patch, patch_len, &out,
		                            NULL);
		atlscim_bytes_free(&out);
	}
}

enum { GO_NORMALIZED, GO_REPORT_JSON, GO_FIXES };

// Checks a request and returns its normalized body or (for the tests) the library's report JSON.
static atlscim_status go_check_text(const atlscim_profile *profile, GO_REQUEST_PARAMS, int what, atlscim_bytes *out,
                                    bool *nothing_to_send, atlscim_error **err) {
	atlscim_request request = GO_REQUEST;
	atlscim_report *report = NULL;
	atlscim_status status = atlscim_profile_check(profile, &request, &report, err);
	if (status == ATLSCIM_STATUS_OK) {
		*nothing_to_send = atlscim_report_nothing_to_send(report);
		status = what == GO_NORMALIZED ? atlscim_report_normalized_json(report, out, err)
		         : what == GO_FIXES    ? atlscim_report_fixes_json(report, out, err)
		                               : atlscim_report_to_json(report, out, err);
		atlscim_report_free(report);
	}
	return status;
}
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Profile is an immutable, compiled rule set: the atlassian profile (RFC 7643/7644 plus
// Atlassian's rules) or the rfc profile, with its config. Build it once and share it: any number
// of goroutines may call Check at the same time.
//
// Close frees it. A profile that is never closed is freed when the garbage collector finds it
// unreachable, but Close says when, which matters for long-running services.
type Profile struct {
	// Check holds the read lock for the length of its C calls; Close takes the write lock, so it
	// waits for running checks and no check can start on a freed handle.
	mu      sync.RWMutex
	handle  *C.atlscim_profile
	cleanup runtime.Cleanup
}

// NewProfile builds a profile from a config. The zero Config is the atlassian profile with its
// defaults. A config the library rejects gives an *Error with StatusInvalidConfig whose Key
// names the config key at fault.
func NewProfile(config Config) (*Profile, error) {
	text, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	return NewProfileJSON(text)
}

// NewProfileJSON builds a profile from config JSON text, the config every atlscim binding and
// the CLI take, e.g. {"profile": "rfc", "verified_domains": ["example.com"]}. Unknown keys are
// an error.
func NewProfileJSON(config []byte) (*Profile, error) {
	var handle *C.atlscim_profile
	var cerr *C.atlscim_error
	status := C.atlscim_profile_new(cBytes(config), C.size_t(len(config)), &handle, &cerr)
	if status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	p := &Profile{handle: handle}
	// The finalizer: a profile nobody closes is freed once unreachable.
	p.cleanup = runtime.AddCleanup(p, func(handle *C.atlscim_profile) {
		handlesFreedByCleanup.Add(1)
		C.atlscim_profile_free(handle)
	}, handle)
	return p, nil
}

// handlesFreedByCleanup counts the handles (profiles, batches, filters) freed by their cleanup
// rather than by Close; the tests read it to see that cleanups run.
var handlesFreedByCleanup atomic.Int64

// Close frees the profile. It waits for checks running on other goroutines; later checks
// return ErrClosed. Closing twice is harmless. Reports made with the profile stay valid, except
// that Report.Normalized needs the profile open to build a body that lenient fixes change.
func (p *Profile) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.handle != nil {
		p.cleanup.Stop()
		C.atlscim_profile_free(p.handle)
		p.handle = nil
	}
	return nil
}

// Request is one SCIM request as a connector is about to send it.
type Request struct {
	// Method is the HTTP method: GET, POST, PUT, PATCH or DELETE.
	Method string
	// Path is the request path with any query string, relative to the directory base URL
	// ("/Users", "/Groups/9f1c?excludedAttributes=members") or including it.
	Path string
	// Body is the JSON text to send; nil means no body. A body that is not JSON is not an
	// error: the report says the request is invalid.
	Body []byte
	// Current is the resource as Atlassian holds it now, as JSON text, or nil when unknown.
	// Some rules need it: a PUT that would clear attributes, a group rename.
	Current []byte
	// Normalize builds the body to send during the check, in the same call into the library,
	// when lenient fixes change it: Report.Normalized then has it ready. Without it, Normalized
	// checks the request again on first use (about as much as the check once more), so set it
	// when the normalized body will be sent.
	Normalize bool
}

// Check checks one request and says what Atlassian would answer.
//
// The error is nil whenever a report was made, valid or not. It is ErrClosed after Close, or an
// *Error when the call failed: StatusInvalidJSON for a Current that is not JSON,
// StatusInvalidUTF8 for a Method or Path that is not UTF-8.
//
// The report does not refer to req afterwards: its buffers may be reused at once.
func (p *Profile) Check(req Request) (*Report, error) {
	return p.check(req, false)
}

// check is Check; with owned, the caller hands req.Body and req.Current over (it will not
// change them), so the report keeps them instead of copies (the RoundTripper, which read the
// body itself).
func (p *Profile) check(req Request, owned bool) (*Report, error) {
	// Holding the read lock keeps p reachable until the C calls are done, so neither Close nor
	// the cleanup can free the handle under them.
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, ErrClosed
	}
	var r C.go_result
	// Room on the stack for the issues of most reports.
	var issueRoom [16]C.go_issue
	var textRoom [2048]C.char
	status := C.go_check(p.handle, req.Method, req.Path, cBytes(req.Body), C.size_t(len(req.Body)),
		cBytes(req.Current), C.size_t(len(req.Current)), C.bool(req.Normalize), &r,
		&issueRoom[0], C.size_t(len(issueRoom)), &textRoom[0], C.size_t(len(textRoom)))
	if status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, r.err)
	}
	return checked(p, req, &r, issueRoom[:], textRoom[:], owned)
}

// checked makes the Report of a checked request (by a profile or a batch) from what the C side
// gathered. Reports whose body lenient fixes change have it built at check time
// (req.Normalize), or build it when asked with `profile`. The report keeps copies of the body
// and current unless `owned` says they are its to keep.
func checked(profile *Profile, req Request, r *C.go_result, issueRoom []C.go_issue, textRoom []C.char, owned bool) (*Report, error) {
	report := reportFrom(r, issueRoom, textRoom)
	if !bool(r.readable) {
		return report, nil
	}
	keep := bytes.Clone
	if owned {
		keep = func(b []byte) []byte { return b }
	}
	// Without fixes this is the body to send; with fixes, what Normalized and Fixes build from.
	report.body = json.RawMessage(keep(req.Body))
	if !bool(r.changes_body) {
		return report, nil
	}
	f := &fixes{profile: profile, method: req.Method, path: req.Path, current: keep(req.Current)}
	report.fixes = f
	if r.normalized.data != nil { // built at check time (req.Normalize)
		normalized, err := copyOutput(r.normalized.data, r.normalized.len)
		C.atlscim_bytes_free(&r.normalized)
		if err != nil {
			return nil, err
		}
		f.normalized, f.nothingToSend = normalized, bool(r.nothing_to_send)
		f.once.Do(func() {})
	}
	return report, nil
}

// reportFrom makes a Report's verdict and issues from what go_gather wrote: into the room given
// or, when they did not fit, left in the C report, which it copies them from and frees.
func reportFrom(r *C.go_result, issueRoom []C.go_issue, textRoom []C.char) *Report {
	report := &Report{Valid: bool(r.valid), Status: int(r.status), SentStatus: int(r.sent_status), Omitted: int(r.omitted)}
	issues, text := issueRoom[:min(int(r.issues), len(issueRoom))], textRoom[:min(int(r.text_bytes), len(textRoom))]
	if r.report != nil {
		// They did not fit: copy them again into room of their size.
		issues, text = make([]C.go_issue, r.issues), make([]C.char, r.text_bytes)
		C.go_copy(r.report, unsafe.SliceData(issues), r.issues, unsafe.SliceData(text), r.text_bytes)
		C.atlscim_report_free(r.report)
	}
	if len(issues) > 0 {
		report.Issues = makeIssues(issues, text)
	}
	return report
}

// checkLoop checks `body` as a POST /Users n times through the C ABI alone (for the benchmarks:
// the floor that Check's cost is measured against, in the same process).
func (p *Profile) checkLoop(body []byte, n int) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	C.go_check_loop(p.handle, cBytes(body), C.size_t(len(body)), C.long(n))
}

// applyLoop applies `patch` to `resource` n times through the C ABI alone (for the benchmarks).
func (p *Profile) applyLoop(resource, patch []byte, n int) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	C.go_apply_loop(p.handle, cBytes(resource), C.size_t(len(resource)), cBytes(patch), C.size_t(len(patch)), C.long(n))
}

// makeIssues turns the issues go_copy wrote into Go values. Their strings share one copy of the
// text.
func makeIssues(raw []C.go_issue, ctext []C.char) []Issue {
	// A copy off the stack, never written again: the strings are immutable.
	text := bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(ctext))), len(ctext)))
	at := 0
	next := func(n C.size_t) string {
		s := unsafe.String(unsafe.SliceData(text[at:]), int(n))
		at += int(n)
		return s
	}
	issues := make([]Issue, len(raw))
	for i := range raw {
		c := &raw[i]
		issues[i] = Issue{
			Severity: severityOf(uint32(c.severity)),
			Rule:     next(c.len[0]),
			Path:     next(c.len[1]),
			Pointer:  next(c.len[2]),
			Detail:   next(c.len[3]),
			ScimType: next(c.len[4]),
			Status:   int(c.status),
		}
	}
	return issues
}

// normalizedJSON checks a request and returns the body to send (atlscim_report_normalized_json).
func (p *Profile) normalizedJSON(req Request) ([]byte, bool, error) {
	return p.checkText(req, C.GO_NORMALIZED)
}

// fixesJSON checks a request and returns the lenient fixes as data (atlscim_report_fixes_json).
func (p *Profile) fixesJSON(req Request) ([]byte, error) {
	text, _, err := p.checkText(req, C.GO_FIXES)
	return text, err
}

// reportJSON checks a request and returns the library's own report JSON (atlscim_report_to_json):
// the tests hold Report's JSON to it.
func (p *Profile) reportJSON(req Request) ([]byte, error) {
	text, _, err := p.checkText(req, C.GO_REPORT_JSON)
	return text, err
}

// checkText checks a request and returns the JSON text asked for, and whether the report says
// there is nothing left to send.
func (p *Profile) checkText(req Request, what C.int) ([]byte, bool, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, false, ErrClosed
	}
	var nothing C.bool
	text, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.go_check_text(p.handle, req.Method, req.Path, cBytes(req.Body), C.size_t(len(req.Body)),
			cBytes(req.Current), C.size_t(len(req.Current)), what, out, &nothing, cerr)
	})
	return text, bool(nothing), err
}

// ConfigJSON returns the config the profile was built from, in canonical form (every key, with
// defaults filled in): what to log to say which rules a check used.
func (p *Profile) ConfigJSON() ([]byte, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, ErrClosed
	}
	return takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_profile_config_json(p.handle, out, cerr)
	})
}

// RulesJSON returns every rule atlscim enforces, as a JSON array of {"id", "severity", "status",
// "scimType", "statusInferred", "summary", "source", "example", "advice"} in id order
// (statusInferred: Atlassian does not document the status; RFC 7644's is given).
func RulesJSON() ([]byte, error) {
	return takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_rules_json(out, cerr)
	})
}

// Version returns the version of the atlscim library linked in, e.g. "0.2.0".
func Version() string {
	return C.GoString(C.atlscim_version())
}

// takeBytes runs a C call that returns owned text, and copies the text into Go memory.
func takeBytes(call func(*C.atlscim_bytes, **C.atlscim_error) C.atlscim_status) ([]byte, error) {
	var out C.atlscim_bytes
	var cerr *C.atlscim_error
	if status := call(&out, &cerr); status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	defer C.atlscim_bytes_free(&out)
	return copyOutput(out.data, out.len)
}

// cBytes points C at a byte slice without copying it: NULL for nil (an absent body), and a
// valid pointer for an empty but non-nil slice (an empty body).
func cBytes(b []byte) *C.char {
	return (*C.char)(unsafe.Pointer(unsafe.SliceData(b)))
}
