package atlscim

// #include "atlscim.h"
import "C"

import (
	"encoding/json"
	"sync"
)

// Report is the verdict on one request. Its JSON form (encoding/json) is the report JSON every
// atlscim binding and the CLI share:
//
//	{"valid": false, "status": 400, "issues": [...], "omitted": 0, "sentStatus": 400, "normalized": {...}}
//
// where a Status or an Issue's Status of 0 and an empty ScimType are written as null.
type Report struct {
	// Valid is true when no issue is an error: Atlassian would accept the request.
	Valid bool
	// Status is the HTTP status Atlassian would answer (that of the first error), 0 when valid.
	Status int
	// Issues lists every finding in document order: errors, warnings and lenient fixes (info).
	// At most limits.max_issues are kept (errors first); then a last issue, rule RFC-J-006,
	// says how many more were found.
	Issues []Issue
	// Omitted counts the issues found but left out of Issues (0 when none were).
	Omitted int
	// SentStatus is the HTTP status Atlassian would answer to the body as it was sent, not to
	// Normalized (0 when it would accept it): that of the first error, else that of the first
	// lenient fix of something Atlassian refuses (a missing schemas is 400). In strict mode it is
	// Status.
	SentStatus int

	// The body to send is built only when asked for (Normalized): a valid body with nothing to
	// fix is sent as it is, and applying fixes costs more than the check itself.
	body  json.RawMessage // the body as checked, when it could be read
	fixes *fixes          // set when lenient fixes change the body
}

// Severity says how serious an issue is.
type Severity string

const (
	// SeverityError: Atlassian (or any RFC 7644 server) would reject the request.
	SeverityError Severity = "error"
	// SeverityWarning: accepted, but something is ignored, lost or harmful.
	SeverityWarning Severity = "warning"
	// SeverityInfo: a lenient fix applied in the normalized body.
	SeverityInfo Severity = "info"
)

func severityOf(n uint32) Severity {
	switch n {
	case C.ATLSCIM_SEVERITY_ERROR:
		return SeverityError
	case C.ATLSCIM_SEVERITY_WARNING:
		return SeverityWarning
	case C.ATLSCIM_SEVERITY_INFO:
		return SeverityInfo
	}
	return ""
}

// Issue is one finding, located in the body.
type Issue struct {
	Severity Severity
	// Rule is the stable id of the rule broken, e.g. "ATL-U-003" (see RulesJSON).
	Rule string
	// Path is the SCIM attribute path, e.g. "emails[1].value"; empty for the whole request.
	Path string
	// Pointer is the RFC 6901 JSON pointer into the body, e.g. "/emails/1/value".
	Pointer string
	// Status is the HTTP status a server would answer for this issue (an error's; for a lenient
	// fix, the status Atlassian would answer to the body as sent), else 0.
	Status int
	// ScimType is the scimType a server would answer (as Status, where it sends one), else "".
	ScimType string
	// Detail says what is wrong and, where it helps, what to do.
	Detail string
}

// Normalized returns the body as it should be sent: the checked body with atlscim's lenient
// fixes applied (read-only or unsupported attributes dropped, "True" made true, …), or nil
// when there was no body or it could not be read. When no fix applies it is a copy of the body
// as checked. Safe to call from several goroutines.
//
// When fixes apply, the body was built during the check if the request said Normalize;
// otherwise the first call builds it by checking the request again with the report's profile,
// which must still be open (else ErrClosed): a Report is plain Go memory and keeps nothing of
// the library's, so a report that is never asked for its body costs nothing more, while one
// that is pays about one more check.
func (r *Report) Normalized() (json.RawMessage, error) {
	if r.fixes == nil {
		return r.body, nil
	}
	f := r.fixes
	f.build(r.body)
	return f.normalized, f.err
}

// NothingToSend reports whether there is nothing left to send: the request is valid and lenient
// mode dropped every operation of its PatchOp as a no-op (renaming a group to its own name,
// replacing emails with the same emails), so Normalized is null (never a PatchOp with an empty
// Operations, which Atlassian refuses) and the info issues say why. Like
// Normalized, it checks the request again on first use, with the report's profile.
func (r *Report) NothingToSend() (bool, error) {
	if r.fixes == nil {
		return false, nil // the body goes as it was checked
	}
	r.fixes.build(r.body)
	return r.fixes.nothingToSend, r.fixes.err
}

// Fixes returns the lenient fixes as data, a JSON array: what Normalized changes in the body
// as checked, for a caller that applies them to its own copy (`{"op": "replace", "path",
// "value"}`, `{"op": "remove", "path"}`, `{"op": "rename", "from", "to"}`, `{"op":
// "addSchema", "value"}`, `{"op": "moveIntoExtension", "from", "to", "name"}`; paths are JSON
// pointers into the body as checked; ffi/README.md says what each does). `[]` when nothing was
// fixed. The first call checks the request again with the report's profile (which must still be
// open), so a check pays nothing for fixes nobody reads.
func (r *Report) Fixes() (json.RawMessage, error) {
	if r.fixes == nil {
		return json.RawMessage("[]"), nil
	}
	f := r.fixes
	f.dataOnce.Do(func() {
		f.data, f.dataErr = f.profile.fixesJSON(Request{Method: f.method, Path: f.path, Body: r.body, Current: f.current})
	})
	return f.data, f.dataErr
}

// fixes is what it takes to build a report's normalized body and its fixes as data: the rest
// of the request, and the profile that checked it. Shared by every copy of the Report.
type fixes struct {
	profile       *Profile
	method, path  string
	current       []byte
	once          sync.Once
	normalized    json.RawMessage
	nothingToSend bool
	err           error
	dataOnce      sync.Once
	data          json.RawMessage
	dataErr       error
}

func (f *fixes) build(body []byte) {
	f.once.Do(func() {
		f.normalized, f.nothingToSend, f.err = f.profile.normalizedJSON(
			Request{Method: f.method, Path: f.path, Body: body, Current: f.current})
	})
}

// reportJSON is Report's JSON shape: nullable numbers and strings as pointers.
type reportJSON struct {
	Valid      bool            `json:"valid"`
	Status     *int            `json:"status"`
	Issues     []Issue         `json:"issues"`
	Omitted    int             `json:"omitted"`
	SentStatus *int            `json:"sentStatus"`
	Normalized json.RawMessage `json:"normalized"`
}

type issueJSON struct {
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Path     string   `json:"path"`
	Pointer  string   `json:"pointer"`
	Status   *int     `json:"status"`
	ScimType *string  `json:"scimType"`
	Detail   string   `json:"detail"`
}

func nullIfZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func valueOf[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}

// MarshalJSON writes the report JSON, building the normalized body if need be.
func (r Report) MarshalJSON() ([]byte, error) {
	normalized, err := r.Normalized()
	if err != nil {
		return nil, err
	}
	issues := r.Issues
	if issues == nil {
		issues = []Issue{} // "issues": [], never null
	}
	return json.Marshal(reportJSON{Valid: r.Valid, Status: nullIfZero(r.Status), Issues: issues, Omitted: r.Omitted,
		SentStatus: nullIfZero(r.SentStatus), Normalized: normalized})
}

// UnmarshalJSON reads the report JSON (from another binding, or the CLI's --format json).
func (r *Report) UnmarshalJSON(data []byte) error {
	var w reportJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = Report{Valid: w.Valid, Status: valueOf(w.Status), Issues: w.Issues, Omitted: w.Omitted,
		SentStatus: valueOf(w.SentStatus)}
	if len(w.Normalized) > 0 && string(w.Normalized) != "null" {
		r.body = w.Normalized
	}
	return nil
}

// MarshalJSON writes an issue as the report JSON does.
func (i Issue) MarshalJSON() ([]byte, error) {
	return json.Marshal(issueJSON{
		Severity: i.Severity, Rule: i.Rule, Path: i.Path, Pointer: i.Pointer,
		Status: nullIfZero(i.Status), ScimType: nullIfZero(i.ScimType), Detail: i.Detail,
	})
}

// UnmarshalJSON reads an issue of the report JSON.
func (i *Issue) UnmarshalJSON(data []byte) error {
	var w issueJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*i = Issue{
		Severity: w.Severity, Rule: w.Rule, Path: w.Path, Pointer: w.Pointer,
		Status: valueOf(w.Status), ScimType: valueOf(w.ScimType), Detail: w.Detail,
	}
	return nil
}
