package atlscim

/*
#include "atlscim.h"

#cgo noescape go_read_error
#cgo nocallback go_read_error

// Every field of an error, read in one call from Go.
typedef struct {
	atlscim_str message, key, rule, scim_type, path, pointer, reason, suggestion;
	size_t offset;
	uint16_t http_status;
} go_error;

static void go_read_error(const atlscim_error *e, go_error *out) {
	out->message = atlscim_error_message(e);
	out->key = atlscim_error_key(e);
	out->rule = atlscim_error_rule(e);
	out->scim_type = atlscim_error_scim_type(e);
	out->path = atlscim_error_path(e);
	out->pointer = atlscim_error_pointer(e);
	out->reason = atlscim_error_reason(e);
	out->suggestion = atlscim_error_suggestion(e);
	out->offset = atlscim_error_offset(e);
	out->http_status = atlscim_error_http_status(e);
}
*/
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
	// StatusPatchRefused: a server would refuse the PATCH; the Error's Rule, HTTPStatus, ScimType
	// and Pointer say what it would answer, and why.
	StatusPatchRefused Status = C.ATLSCIM_STATUS_PATCH_REFUSED
	// StatusInvalidFilter: the filter does not parse (RFC-F-001, 400 invalidFilter); the Error's
	// Offset says where.
	StatusInvalidFilter Status = C.ATLSCIM_STATUS_INVALID_FILTER
	// StatusInvalidMapping: an unknown preset, or a mapping entry that is wrong (the Error's Key).
	StatusInvalidMapping Status = C.ATLSCIM_STATUS_INVALID_MAPPING
	// StatusNotNormalizable: a normalizer cannot use the value; the Error's Reason says why and
	// Suggestion what to send instead.
	StatusNotNormalizable Status = C.ATLSCIM_STATUS_NOT_NORMALIZABLE
	// StatusInvalidArgument: a number argument is out of range (a resource type, an HTTP status).
	StatusInvalidArgument Status = C.ATLSCIM_STATUS_INVALID_ARGUMENT
	// StatusInvalidSyncInput: desired or current are not Users and Groups, a plan or state is not
	// of the documented shape or version, a state belongs to another plan, or sync options are
	// wrong; the Error's Reason says which ("input", "json", "format", "state", "options").
	StatusInvalidSyncInput Status = C.ATLSCIM_STATUS_INVALID_SYNC_INPUT
	// StatusPlanRefused: a guard rail refused the plan; the Error's Reason names it.
	StatusPlanRefused Status = C.ATLSCIM_STATUS_PLAN_REFUSED
	// StatusNothingOutstanding: Executor.Feed with no request outstanding.
	StatusNothingOutstanding Status = C.ATLSCIM_STATUS_NOTHING_OUTSTANDING
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
// at fault, and the fields the status gives. An invalid SCIM request is never an Error: it is a
// Report that says invalid. Get one with errors.As.
type Error struct {
	Status Status
	// Key names the input entry at fault: the config key for StatusInvalidConfig
	// ("limits.max_depth", "verified_domains[1]"), the mapping entry for StatusInvalidMapping
	// ("attributes[1] (timezone)"); empty when the whole config or mapping is at fault, and for
	// other statuses.
	Key     string
	Message string

	// For StatusPatchRefused and StatusInvalidFilter, what a SCIM server would answer: the rule
	// ("RFC-P-003", "RFC-F-001"), the HTTP status (400) and the scimType ("mutability",
	// "invalidFilter"; empty when the rule has none).
	Rule       string
	HTTPStatus int
	ScimType   string
	// For StatusPatchRefused, where in the PatchOp message: its SCIM path ("Operations[1]") and
	// JSON pointer ("/Operations/1/path"); empty when the message as a whole is at fault.
	Path    string
	Pointer string
	// For StatusInvalidFilter, where the filter went wrong, in characters from its start.
	Offset int
	// For StatusNotNormalizable, why ("abbreviation", "offset", "unknown", "malformed", "empty",
	// "invalid", ...) and, where one can be told, what to send instead ("America/Los_Angeles").
	Reason     string
	Suggestion string
}

func (e *Error) Error() string {
	return "atlscim: " + e.Message
}

// Unwrap returns the status, so that errors.Is(err, atlscim.StatusInvalidConfig) holds.
func (e *Error) Unwrap() error {
	return e.Status
}

// ErrClosed is returned by the methods of a Profile, Batch or Filter after Close.
var ErrClosed = errors.New("atlscim: used after Close")

// takeError turns a failed call's status and error object into an *Error, freeing the object.
func takeError(status C.atlscim_status, cerr *C.atlscim_error) error {
	e := &Error{Status: Status(status), Message: Status(status).String()}
	if cerr != nil {
		var f C.go_error
		C.go_read_error(cerr, &f)
		text := copyString
		e.Message, e.Key = text(f.message), text(f.key)
		e.Rule, e.HTTPStatus, e.ScimType = text(f.rule), int(f.http_status), text(f.scim_type)
		e.Path, e.Pointer, e.Offset = text(f.path), text(f.pointer), int(f.offset)
		e.Reason, e.Suggestion = text(f.reason), text(f.suggestion)
		C.atlscim_error_free(cerr)
	}
	return e
}
