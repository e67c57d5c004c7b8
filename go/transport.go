package atlscim

import (
	"bytes"
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OnInvalid says what a [RoundTripper] does with a request atlscim finds invalid.
type OnInvalid int

const (
	// OnInvalidRefuse (the zero value) sends nothing and returns a *RequestError carrying the
	// report. http.Client wraps it in a *url.Error; errors.As finds it.
	OnInvalidRefuse OnInvalid = iota
	// OnInvalidLog logs a warning and sends the request.
	OnInvalidLog
	// OnInvalidSend sends the request without a word; the report is still attached.
	OnInvalidSend
)

// RoundTripper checks each SCIM request before Base sends it, and classifies each answer: the
// pre-flight checks of atlscim inside an existing http.Client, which changes only its Transport.
//
//	client := &http.Client{Transport: &atlscim.RoundTripper{Profile: profile,
//		BaseURL: "https://api.atlassian.com/scim/directory/" + directoryID}}
//	resp, err := client.Post(base+"/Users", "application/scim+json", body) // an invalid user: a *RequestError, nothing sent
//	if ex := atlscim.ExchangeOf(resp); ex != nil {
//		if answer, _ := ex.Response(); answer.Retryable { ... }
//	}
//
// Only requests under BaseURL are checked (method, path relative to BaseURL with its query,
// body); others pass through untouched. The answer's body is read to classify it (SCIM answers
// are small JSON documents) and handed on unread. [ExchangeOf] gives the report and the
// classification of a response.
//
// The rules that depend on the resource as Atlassian holds it now (a PUT that would clear
// attributes, a group rename) are off without Current. With RememberCurrent, the RoundTripper
// keeps each resource the server answers with (the JSON body of a 200 answer to a GET, PUT or
// PATCH whose "id" is the last segment of the request path) and checks later requests to the
// same path against it; a DELETE forgets it. At most MaxRemembered are kept, the least recently
// stored going first.
//
// Use it by pointer; it is safe for concurrent use. Set the fields before the first request.
type RoundTripper struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Profile checks the requests; required.
	Profile *Profile
	// BaseURL is the SCIM base URL acted on, e.g. https://api.atlassian.com/scim/directory/ID.
	BaseURL string
	// OnInvalid says what to do with an invalid request (default: refuse it).
	OnInvalid OnInvalid
	// Logger receives OnInvalidLog's warnings; nil means slog.Default().
	Logger *slog.Logger
	// SendNormalized sends the report's normalized body (atlscim's lenient fixes applied) instead
	// of the caller's. When the fixes leave nothing to send (a PATCH of no-ops), no request goes
	// out and a 204 made here comes back, its Exchange marked Synthetic. Off by default: no
	// silent rewrite.
	SendNormalized bool
	// RememberCurrent keeps the resources the server answers with as Current (see above).
	RememberCurrent bool
	// MaxRemembered bounds RememberCurrent's memory; 0 means 10,000 resources.
	MaxRemembered int

	once    sync.Once
	base    *url.URL
	baseErr error
	mu      sync.Mutex
	current map[string]*list.Element
	lru     list.List // of *remembered, the least recently stored first
}

type remembered struct {
	path     string
	resource []byte
}

// Exchange is what atlscim saw of one SCIM request and its answer.
type Exchange struct {
	// Report is the check of the request as the caller made it.
	Report *Report
	// SentNormalized is true when the body sent was the report's normalized body.
	SentNormalized bool
	// Synthetic is true when no request went out because there was nothing to send (the 204
	// was made by the RoundTripper).
	Synthetic bool

	// The answer, classified when Response is first called: a caller who never asks does not
	// pay for copying the headers into the core (most of what the RoundTripper would otherwise
	// add to the check).
	once     sync.Once
	status   int
	answer   []byte
	header   http.Header
	response *Response
	err      error
}

// Response is ClassifyResponse on the answer (retry, wait, auth, which rule), worked out on the
// first call from the status, body and headers as they came back, and kept. The error is
// ClassifyResponse's (none for a status an http.Response can carry).
func (e *Exchange) Response() (*Response, error) {
	e.once.Do(func() {
		if e.response == nil {
			e.response, e.err = ClassifyResponse(e.status, e.answer, e.header, time.Time{})
			e.answer, e.header = nil, nil
		}
	})
	return e.response, e.err
}

// RequestError is the error for a request refused before it was sent (OnInvalidRefuse).
type RequestError struct {
	Method, Path string
	Report       *Report
}

func (e *RequestError) Error() string {
	msg := fmt.Sprintf("atlscim: %s %s: Atlassian would answer %d", e.Method, e.Path, e.Report.Status)
	for _, issue := range e.Report.Issues {
		if issue.Severity == SeverityError {
			return fmt.Sprintf("%s: %s at %s: %s", msg, issue.Rule, issue.Pointer, issue.Detail)
		}
	}
	return msg
}

type exchangeKey struct{}

// ExchangeOf returns the Exchange a RoundTripper attached to a response, or nil for a response
// to a request it did not check.
func ExchangeOf(resp *http.Response) *Exchange {
	if resp == nil || resp.Request == nil {
		return nil
	}
	ex, _ := resp.Request.Context().Value(exchangeKey{}).(*Exchange)
	return ex
}

// RoundTrip implements http.RoundTripper.
func (t *RoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	path, err := t.scimPath(req.URL)
	if err != nil || path == "" {
		if req.Body != nil && err != nil {
			req.Body.Close()
		}
		if err != nil {
			return nil, err
		}
		return base.RoundTrip(req)
	}
	if t.Profile == nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("atlscim: RoundTripper.Profile is nil")
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		body, err = readAll(req.Body, req.ContentLength)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	var current []byte
	if t.RememberCurrent {
		current = t.recall(resourcePath(path))
	}
	// The body was read here and is not changed (it is sent as it is), and current is never
	// changed once remembered, so the report keeps them without copies.
	report, err := t.Profile.check(Request{Method: req.Method, Path: path, Body: body, Current: current,
		Normalize: t.SendNormalized}, true)
	if err != nil {
		return nil, err
	}
	ex := &Exchange{Report: report}
	if !report.Valid {
		switch t.OnInvalid {
		case OnInvalidLog:
			logger := t.Logger
			if logger == nil {
				logger = slog.Default()
			}
			logger.Warn((&RequestError{Method: req.Method, Path: path, Report: report}).Error())
		case OnInvalidSend:
		default:
			return nil, &RequestError{Method: req.Method, Path: path, Report: report}
		}
	}
	send := body
	if t.SendNormalized && report.Valid && body != nil {
		nothing, err := report.NothingToSend()
		if err != nil {
			return nil, err
		}
		if nothing {
			ex.Synthetic = true
			ex.status = http.StatusNoContent
			out := req.WithContext(context.WithValue(req.Context(), exchangeKey{}, ex))
			return &http.Response{
				Status: "204 No Content", StatusCode: http.StatusNoContent, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{}, Body: http.NoBody, Request: out,
			}, nil
		}
		if send, err = report.Normalized(); err != nil {
			return nil, err
		}
		ex.SentNormalized = true
	}
	// A shallow copy (WithContext, not Clone) carries the Exchange: the RoundTripper changes only
	// the copy's own fields (the body, and the header map only after copying it).
	out := req.WithContext(context.WithValue(req.Context(), exchangeKey{}, ex))
	if body != nil {
		out.Body = newSentBody(send)
		out.ContentLength = int64(len(send))
		out.GetBody = func() (io.ReadCloser, error) { return newSentBody(send), nil }
		if ex.SentNormalized {
			out.Header = req.Header.Clone()
			out.Header.Set("Content-Length", strconv.Itoa(len(send)))
		}
	}
	resp, err := base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	answer, err := readAll(resp.Body, resp.ContentLength)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = newSentBody(answer)
	resp.Request = out
	// The header map is copied (not each value: http.Header's methods replace a value's slice, never
	// change it in place), so that what Response classifies is the headers as they came back.
	ex.status, ex.answer, ex.header = resp.StatusCode, answer, maps.Clone(resp.Header)
	if t.RememberCurrent {
		t.remember(req.Method, path, resp.StatusCode, answer)
	}
	return resp, nil
}

// sentBody is a body read into memory and handed on: one allocation where io.NopCloser over a
// bytes.Reader takes two.
type sentBody struct{ bytes.Reader }

func newSentBody(b []byte) *sentBody {
	body := new(sentBody)
	body.Reset(b)
	return body
}

func (*sentBody) Close() error { return nil }

// readAll is io.ReadAll starting from room for `size` bytes (the body's ContentLength: -1, or 0
// with a body, when unknown), plus one for the read that finds the end: one allocation for a
// body as long as it says, where io.ReadAll grows from 512 bytes.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size > 1<<20 {
		size = 511 // unknown, or too large to trust before reading: grow as it comes
	}
	buf := make([]byte, 0, size+1)
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// scimPath is the request's path relative to BaseURL with its query ("/Users?filter=..."), or ""
// when the URL is not under BaseURL.
func (t *RoundTripper) scimPath(u *url.URL) (string, error) {
	t.once.Do(func() {
		t.base, t.baseErr = url.Parse(t.BaseURL)
		if t.baseErr == nil && (t.base.Scheme == "" || t.base.Host == "") {
			t.baseErr = fmt.Errorf("atlscim: RoundTripper.BaseURL must be an absolute URL, not %q", t.BaseURL)
		}
	})
	if t.baseErr != nil {
		return "", t.baseErr
	}
	if !strings.EqualFold(u.Scheme, t.base.Scheme) || !sameHost(u, t.base) {
		return "", nil
	}
	basePath := strings.TrimRight(t.base.EscapedPath(), "/")
	path := u.EscapedPath()
	if path != basePath && !strings.HasPrefix(path, basePath+"/") {
		return "", nil
	}
	rel, _ := url.PathUnescape(path[len(basePath):])
	if rel == "" {
		rel = "/"
	}
	if u.RawQuery != "" {
		rel += "?" + u.RawQuery
	}
	return rel, nil
}

// sameHost compares two URLs' hosts ignoring case, a default port written out or left off
// ("https://host:443" is "https://host"): a BaseURL that spells the port differently from the
// request URLs must not let every request through unchecked.
func sameHost(u, base *url.URL) bool {
	port := func(v *url.URL) string {
		if p := v.Port(); p != "" {
			return p
		}
		switch strings.ToLower(v.Scheme) {
		case "http":
			return "80"
		case "https":
			return "443"
		}
		return ""
	}
	return strings.EqualFold(u.Hostname(), base.Hostname()) && port(u) == port(base)
}

func resourcePath(path string) string {
	path, _, _ = strings.Cut(path, "?")
	return strings.TrimRight(path, "/")
}

func (t *RoundTripper) recall(key string) []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.current[key]; ok {
		return e.Value.(*remembered).resource
	}
	return nil
}

func (t *RoundTripper) remember(method, path string, status int, answer []byte) {
	key := resourcePath(path)
	method = strings.ToUpper(method)
	if method == http.MethodDelete && status >= 200 && status < 300 {
		t.mu.Lock()
		if e, ok := t.current[key]; ok {
			t.lru.Remove(e)
			delete(t.current, key)
		}
		t.mu.Unlock()
		return
	}
	if (method != http.MethodGet && method != http.MethodPut && method != http.MethodPatch) ||
		status != http.StatusOK || strings.Contains(path, "?") || len(answer) == 0 {
		return
	}
	// Only an answer that is the resource at this very path (not a list, not an error).
	var resource struct {
		ID json.RawMessage `json:"id"`
	}
	var id string
	if json.Unmarshal(answer, &resource) != nil || json.Unmarshal(resource.ID, &id) != nil ||
		!strings.HasSuffix(key, "/"+id) {
		return
	}
	limit := t.MaxRemembered
	if limit <= 0 {
		limit = 10_000
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.current == nil {
		t.current = make(map[string]*list.Element)
	}
	if e, ok := t.current[key]; ok {
		t.lru.Remove(e)
	}
	t.current[key] = t.lru.PushBack(&remembered{path: key, resource: bytes.Clone(answer)})
	for t.lru.Len() > limit {
		oldest := t.lru.Front()
		t.lru.Remove(oldest)
		delete(t.current, oldest.Value.(*remembered).path)
	}
}
