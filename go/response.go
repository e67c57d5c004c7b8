package atlscim

/*
#include <stdlib.h>
#include "atlscim.h"

// Classifies a response whose n headers lie in `text` one after another (name, then value), with
// their lengths in `lens` (2n of them): a Go slice of structs holding pointers may not be handed
// to C, so the headers are put together here. Running out of memory aborts, as it does in the
// library (and in Go).
// With a profile, its limits.max_retry_after caps the wait; without one, the default does.
static atlscim_status go_classify(const atlscim_profile *profile, uint16_t status, const char *body, size_t body_len,
                                  const char *text, const size_t *lens, size_t n, double now, atlscim_bytes *out,
                                  atlscim_error **err) {
	atlscim_header room[32], *headers = n <= 32 ? room : malloc(n * sizeof *headers);
	size_t i, at = 0;
	atlscim_status result;
	if (headers == NULL) {
		abort();
	}
	for (i = 0; i < n; i++) {
		headers[i].name = text + at;
		headers[i].name_len = lens[2 * i];
		at += lens[2 * i];
		headers[i].value = text + at;
		headers[i].value_len = lens[2 * i + 1];
		at += lens[2 * i + 1];
	}
	result = profile != NULL
	             ? atlscim_profile_classify_response(profile, status, body, body_len, headers, n, now, out, err)
	             : atlscim_response_classify(status, body, body_len, headers, n, now, out, err);
	if (headers != room) {
		free(headers);
	}
	return result;
}
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"
)

// ResponseKind is what kind of answer Atlassian gave.
type ResponseKind string

// The kinds of answer.
const (
	ResponseSuccess     ResponseKind = "success"      // 2xx
	ResponseRateLimited ResponseKind = "rate_limited" // 429: wait, then retry
	ResponseServerError ResponseKind = "server_error" // 500, 502, 503, 504: retry with backoff
	// 401, 403: the credential was rejected (the API key expired, was regenerated or is wrong);
	// retrying does not help.
	ResponseCredentialRejected ResponseKind = "credential_rejected"
	ResponseNotFound           ResponseKind = "not_found"  // 404: the directory, user or group does not exist
	ResponseConflict           ResponseKind = "conflict"   // 409: the user, email or group name exists
	ResponseScimError          ResponseKind = "scim_error" // another 4xx: refused; ScimType and Detail say why
	ResponseUnexpected         ResponseKind = "unexpected" // anything else
)

// Response is what an answer from Atlassian means to a connector.
type Response struct {
	Status int
	Kind   ResponseKind
	// Retryable is true for rate limits and server errors.
	Retryable bool
	// RetryAfter is how long to wait before retrying, from Retry-After or X-RateLimit-Reset (the
	// longer when both are sent), when HasRetryAfter (a retryable answer that says). It is at most
	// the profile's limits.max_retry_after (one day by default); RetryAfterClamped says the answer
	// asked for longer.
	RetryAfter        time.Duration
	HasRetryAfter     bool
	RetryAfterClamped bool
	// ScimType, Detail and TraceID are read from any of Atlassian's body shapes; empty when absent.
	ScimType string
	Detail   string
	TraceID  string
	// Rule is the id of the rule the answer corresponds to, when atlscim knows one.
	Rule string
}

// responseJSON is the library's JSON form of a classification.
type responseJSON struct {
	Status     int      `json:"status"`
	Kind       string   `json:"kind"`
	Retryable  bool     `json:"retryable"`
	RetryAfter *float64 `json:"retryAfter"`
	Clamped    bool     `json:"retryAfterClamped"`
	ScimType   *string  `json:"scimType"`
	Detail     *string  `json:"detail"`
	TraceID    *string  `json:"traceId"`
	Rule       *string  `json:"rule"`
}

// ClassifyResponse reads an HTTP answer from Atlassian (its status, body and headers) and says
// what it means: whether to retry, how long to wait, or what was refused and why. The body may be
// anything (empty, HTML, truncated JSON). now is the current time, for reset times given as a
// date; the zero Time reads the clock. The wait is at most one day (the default
// limits.max_retry_after); Profile.ClassifyResponse takes the profile's.
func ClassifyResponse(status int, body []byte, header http.Header, now time.Time) (*Response, error) {
	return classify(nil, status, body, header, now)
}

// ClassifyResponse is the package's ClassifyResponse with this profile's maximum wait (config
// limits.max_retry_after).
func (p *Profile) ClassifyResponse(status int, body []byte, header http.Header, now time.Time) (*Response, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, ErrClosed
	}
	return classify(p.handle, status, body, header, now)
}

// classify classifies with `profile`'s maximum wait, or the default one when it is nil.
func classify(profile *C.atlscim_profile, status int, body []byte, header http.Header, now time.Time) (*Response, error) {
	if status < 0 || status > math.MaxUint16 {
		return nil, &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf("status %d is not an HTTP status", status)}
	}
	// The headers in a stable order (a map has none): names sorted, each name's values in order.
	names := make([]string, 0, len(header))
	for name := range header {
		names = append(names, name)
	}
	slices.Sort(names)
	var text []byte
	var lens []C.size_t
	for _, name := range names {
		for _, value := range header[name] {
			text = append(append(text, name...), value...)
			lens = append(lens, C.size_t(len(name)), C.size_t(len(value)))
		}
	}
	seconds := -1.0
	if !now.IsZero() {
		seconds = float64(now.UnixNano()) / 1e9
	}
	var lensPtr *C.size_t
	if len(lens) > 0 {
		lensPtr = &lens[0]
	}
	out, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.go_classify(profile, C.uint16_t(status), cBytes(body), C.size_t(len(body)), cBytes(text), lensPtr,
			C.size_t(len(lens)/2), C.double(seconds), out, cerr)
	})
	if err != nil {
		return nil, err
	}
	var j responseJSON
	if err := json.Unmarshal(out, &j); err != nil {
		return nil, err
	}
	r := &Response{
		Status: j.Status, Kind: ResponseKind(j.Kind), Retryable: j.Retryable,
		ScimType: valueOf(j.ScimType), Detail: valueOf(j.Detail), TraceID: valueOf(j.TraceID), Rule: valueOf(j.Rule),
	}
	if j.RetryAfter != nil {
		r.RetryAfter, r.HasRetryAfter, r.RetryAfterClamped = waitOf(*j.RetryAfter), true, j.Clamped
	}
	return r, nil
}

// waitOf converts seconds to a Duration without overflowing into a negative wait: the library's
// maximum is far below Duration's 292 years, and anything past that (or not a number) is the
// longest Duration, never less than was asked.
func waitOf(seconds float64) time.Duration {
	ns := seconds * float64(time.Second)
	switch {
	case ns <= 0:
		return 0
	case ns >= math.MaxInt64 || math.IsNaN(ns):
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(ns)
}

// KeyState says where a SCIM API key stands (KeyExpiry).
type KeyState string

// The states of a key.
const (
	KeyValid       KeyState = "valid"        // more than the warning window left
	KeyExpiresSoon KeyState = "expires_soon" // within the window: regenerate the key
	KeyExpired     KeyState = "expired"      // Atlassian answers 401 (ResponseCredentialRejected)
)

// KeyExpiry says whether a SCIM API key that expires at expiresAt is still good at now
// (Atlassian's keys expire one year after creation), warning warnDays days before, and how many
// whole days are left (0 on the last day, negative once expired). The library reads no clock: the
// caller passes now.
func KeyExpiry(expiresAt, now time.Time, warnDays int) (KeyState, int64) {
	var left C.int64_t
	window := C.uint32_t(min(max(warnDays, 0), math.MaxUint32))
	switch C.atlscim_key_expiry(C.int64_t(expiresAt.Unix()), C.int64_t(now.Unix()), window, &left) {
	case C.ATLSCIM_KEY_STATE_VALID:
		return KeyValid, int64(left)
	case C.ATLSCIM_KEY_STATE_EXPIRES_SOON:
		return KeyExpiresSoon, int64(left)
	}
	return KeyExpired, int64(left)
}

// KeyExpiry says where the directory's SCIM API key stands at now, from the profile's config
// (Config.KeyExpires and KeyExpiryWarningDays), as the function KeyExpiry computes it; ok is
// false when the config gives no expiry date (or the profile is closed). Check never warns about
// the key: it reads no clock, so the same request always gets the same report.
func (p *Profile) KeyExpiry(now time.Time) (state KeyState, daysLeft int64, ok bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return "", 0, false
	}
	var cState C.atlscim_key_state
	var left C.int64_t
	if !C.atlscim_profile_key_expiry(p.handle, C.int64_t(now.Unix()), &cState, &left) {
		return "", 0, false
	}
	switch cState {
	case C.ATLSCIM_KEY_STATE_VALID:
		return KeyValid, int64(left), true
	case C.ATLSCIM_KEY_STATE_EXPIRES_SOON:
		return KeyExpiresSoon, int64(left), true
	}
	return KeyExpired, int64(left), true
}
