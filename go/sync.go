package atlscim

/*
#include <stdlib.h>
#include "atlscim.h"

// Feeds an answer whose n headers lie in `text` one after another (name, then value), with their
// lengths in `lens` (2n of them): a Go slice of structs holding pointers may not be handed to C,
// so the headers are put together here (as go_classify does). Running out of memory aborts, as it
// does in the library.
static atlscim_status go_sync_feed(atlscim_sync *sync, uint16_t status, const char *body, size_t body_len,
                                   const char *text, const size_t *lens, size_t n, double now, atlscim_error **err) {
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
	result = atlscim_sync_feed(sync, status, body, body_len, headers, n, now, err);
	if (headers != room) {
		free(headers);
	}
	return result;
}

// The header of an action, by index (Go may not index a C array it is handed as a pointer).
static atlscim_header go_action_header(const atlscim_sync_action *a, size_t i) {
	return a->headers[i];
}
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// PlanOptions shape a plan (docs/sync.md, "Plan options"). The zero value is the defaults:
// match by externalId, userName, then email; deactivate users gone from the identity provider;
// at most 500 and 10 % removals; a desired listing under half the current users looks truncated.
type PlanOptions struct {
	// MatchBy is the matching order: "externalId", "userName", "email".
	MatchBy []string `json:"match_by,omitempty"`
	// Gone is what happens to a user gone from the identity provider: "deactivate" or "delete".
	Gone string `json:"gone,omitempty"`
	// ManageOrphans includes current users no identity provider provisioned.
	ManageOrphans bool `json:"manage_orphans,omitempty"`
	// MaxRemovals and MaxRemovalShare bound deactivations and deletes together; nil is the default.
	MaxRemovals     *uint64  `json:"max_removals,omitempty"`
	MaxRemovalShare *float64 `json:"max_removal_share,omitempty"`
	// AllowRemovals plans past the two limits anyway.
	AllowRemovals bool `json:"allow_removals,omitempty"`
	// TruncationShare: a desired listing with fewer users than this share of the current ones
	// deletes nothing. Nil is the default (0.5).
	TruncationShare *float64 `json:"truncation_share,omitempty"`
}

// Plan is a whole directory change, planned: ordered steps, the risk report and the guard rails'
// verdict (docs/sync.md, "Plan JSON"). Make one with Profile.Plan or PlanFromJSON; it is plain
// data, safe to share.
type Plan struct {
	Format  int         `json:"format"`
	Summary PlanSummary `json:"summary"`
	// Refusal is set when a guard rail refused the plan; Sync will not carry it out.
	Refusal *Refusal `json:"refusal"`
	Risks   []Risk   `json:"risks"`
	Steps   []Step   `json:"steps"`

	json []byte // the plan as the library wrote it: what the executor is given
}

// PlanSummary counts what a plan does and found.
type PlanSummary struct {
	DesiredUsers   int `json:"desiredUsers"`
	DesiredGroups  int `json:"desiredGroups"`
	CurrentUsers   int `json:"currentUsers"`
	CurrentGroups  int `json:"currentGroups"`
	MatchedUsers   int `json:"matchedUsers"`
	UnchangedUsers int `json:"unchangedUsers"`
	UserCreates    int `json:"userCreates"`
	UserUpdates    int `json:"userUpdates"`
	Deactivations  int `json:"deactivations"`
	Deletes        int `json:"deletes"`
	GroupCreates   int `json:"groupCreates"`
	GroupUpdates   int `json:"groupUpdates"`
	GroupDeletes   int `json:"groupDeletes"`
	Orphans        int `json:"orphans"`
	Ambiguous      int `json:"ambiguous"`
}

// Refusal says which guard rail refused a plan ("too_many_removals", "removal_share") and why.
type Refusal struct {
	Guard  string `json:"guard"`
	Detail string `json:"detail"`
}

// Risk is one finding of the risk report: its kind ("email_unlinks_account", "deactivations",
// "ambiguous_match", …), level ("info", "warning", "danger"), rule id when one applies, how many
// and which (at most 100 names; Count has them all).
type Risk struct {
	Kind     string   `json:"kind"`
	Level    string   `json:"level"`
	Rule     string   `json:"rule,omitempty"`
	Count    int      `json:"count"`
	Subjects []string `json:"subjects"`
	Detail   string   `json:"detail"`
}

// Step is one request of a plan. Path and the strings of Body may hold ${sN}, the id the server
// gives the resource step sN creates; the executor fills it in.
type Step struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Method    string          `json:"method"`
	Path      string          `json:"path"`
	Body      json.RawMessage `json:"body,omitempty"`
	Subject   Subject         `json:"subject"`
	Reason    string          `json:"reason"`
	Rules     []string        `json:"rules"`
	DependsOn []string        `json:"dependsOn"`
}

// Subject is the resource a step acts on.
type Subject struct {
	Resource    string `json:"resource"`
	ID          string `json:"id,omitempty"`
	UserName    string `json:"userName,omitempty"`
	ExternalID  string `json:"externalId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// JSON returns the plan as the library wrote it: the same inputs give the same bytes.
func (p *Plan) JSON() []byte {
	return bytes.Clone(p.json)
}

// Plan plans the change from current (what Atlassian holds: its GET /Users and /Groups pages, or
// an `atlscim serve` export) to desired (SCIM Users and Groups, e.g. from MapUser and MapGroup),
// checking each step with the profile. Both are JSON ({"Users": [...], "Groups": [...]}, a
// ListResponse page, an array) or NDJSON; opts nil is the defaults.
//
// Planning never fails on what it finds: ambiguous matches, duplicates and likely conflicts are
// in the risk report, and a plan past the guard rails comes back with Refusal set. The error is
// for inputs that are not Users and Groups, and wrong options (StatusInvalidSyncInput).
func (p *Profile) Plan(desired, current []byte, opts *PlanOptions) (*Plan, error) {
	var options []byte
	if opts != nil {
		var err error
		if options, err = json.Marshal(opts); err != nil {
			return nil, err
		}
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, ErrClosed
	}
	var handle *C.atlscim_plan
	var cerr *C.atlscim_error
	status := C.atlscim_plan_new(p.handle, cBytes(desired), C.size_t(len(desired)), cBytes(current),
		C.size_t(len(current)), cBytes(options), C.size_t(len(options)), &handle, &cerr)
	runtime.KeepAlive(desired)
	runtime.KeepAlive(current)
	if status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	defer C.atlscim_plan_free(handle)
	view := C.atlscim_plan_json(handle)
	text, err := copyOutput(view.data, view.len)
	if err != nil {
		return nil, err
	}
	return decodePlan(text)
}

// PlanFromJSON reads a plan saved with Plan.JSON (or `atlscim plan --format json`). A plan of
// another format version, or not a plan, is StatusInvalidSyncInput.
func PlanFromJSON(text []byte) (*Plan, error) {
	var handle *C.atlscim_plan
	var cerr *C.atlscim_error
	status := C.atlscim_plan_from_json(cBytes(text), C.size_t(len(text)), &handle, &cerr)
	if status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	defer C.atlscim_plan_free(handle)
	view := C.atlscim_plan_json(handle)
	canonical, err := copyOutput(view.data, view.len)
	if err != nil {
		return nil, err
	}
	return decodePlan(canonical)
}

// Drift checks a saved plan against the directory as it is now (current, read as Plan reads it)
// before it runs: one line per step on a user or group that is gone, or a create whose userName
// or group name is taken now; none when the plan still applies. An unreadable current is
// StatusInvalidSyncInput.
func (p *Plan) Drift(current []byte) ([]string, error) {
	var handle *C.atlscim_plan
	var cerr *C.atlscim_error
	if status := C.atlscim_plan_from_json(cBytes(p.json), C.size_t(len(p.json)), &handle, &cerr); status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	defer C.atlscim_plan_free(handle)
	text, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_plan_drift(handle, cBytes(current), C.size_t(len(current)), out, cerr)
	})
	runtime.KeepAlive(current)
	if err != nil {
		return nil, err
	}
	var lines []string
	if err := json.Unmarshal(text, &lines); err != nil {
		return nil, fmt.Errorf("atlscim: reading the library's drift: %w", err)
	}
	return lines, nil
}

func decodePlan(text []byte) (*Plan, error) {
	plan := &Plan{json: text}
	if err := json.Unmarshal(text, plan); err != nil {
		return nil, fmt.Errorf("atlscim: reading the library's plan: %w", err)
	}
	return plan, nil
}

// ExecOptions say how the executor retries and paces (docs/sync.md, "Executor options"). Zero
// fields are the defaults: 5 attempts, 20 rate limits waited out per step, backoff from 1 s to
// 60 s, no rate budget, Retry-After up to a day.
type ExecOptions struct {
	MaxAttempts    uint32  `json:"max_attempts,omitempty"`
	MaxRateLimited uint32  `json:"max_rate_limited,omitempty"`
	BackoffBase    float64 `json:"backoff_base,omitempty"`
	BackoffMax     float64 `json:"backoff_max,omitempty"`
	JitterSeed     uint64  `json:"jitter_seed,omitempty"`
	// RatePerSecond is the rate budget: at most this many requests per second (0: no limit).
	RatePerSecond float64 `json:"rate_per_second,omitempty"`
	MaxRetryAfter float64 `json:"max_retry_after,omitempty"`
}

// ActionKind is what the caller does next.
type ActionKind int

const (
	// ActionSend: send the request, then Feed its answer.
	ActionSend ActionKind = C.ATLSCIM_SYNC_ACTION_KIND_SEND
	// ActionWait: call Next again after Wait.
	ActionWait ActionKind = C.ATLSCIM_SYNC_ACTION_KIND_WAIT
	// ActionDone: every step has an outcome, or the run stopped on a refused credential.
	ActionDone ActionKind = C.ATLSCIM_SYNC_ACTION_KIND_DONE
)

// Action is the executor's next action. For ActionSend: the step, method, path (relative to the
// directory's SCIM base URL), headers (add Authorization yourself; the executor never sees the
// token) and body (nil: none). For ActionWait: how long.
type Action struct {
	Kind    ActionKind
	Step    string
	Method  string
	Path    string
	Header  http.Header
	Body    []byte
	Wait    time.Duration
	HasBody bool
}

// Executor carries a plan out without doing I/O: Next says what to send, Feed takes the answer,
// State is what to save to resume after a crash (it holds no token). Sync drives one over an
// http.Client; use it directly to send with anything else. Its methods take turns (a mutex);
// the run is a sequence, so drive it from one goroutine. Close frees it; one never closed is
// freed when the garbage collector finds it unreachable.
type Executor struct {
	mu      sync.Mutex
	handle  *C.atlscim_sync
	cleanup runtime.Cleanup
}

// NewExecutor starts an executor for plan, at its beginning (state nil) or resuming state (from
// Executor.State). A plan a guard rail refused is StatusPlanRefused; a state saved for another
// plan, or of another format, StatusInvalidSyncInput.
func NewExecutor(plan *Plan, opts *ExecOptions, state []byte) (*Executor, error) {
	var options []byte
	if opts != nil {
		var err error
		if options, err = json.Marshal(opts); err != nil {
			return nil, err
		}
	}
	var ph *C.atlscim_plan
	var cerr *C.atlscim_error
	if status := C.atlscim_plan_from_json(cBytes(plan.json), C.size_t(len(plan.json)), &ph, &cerr); status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	defer C.atlscim_plan_free(ph)
	var handle *C.atlscim_sync
	var status C.atlscim_status
	if state == nil {
		status = C.atlscim_sync_new(ph, cBytes(options), C.size_t(len(options)), &handle, &cerr)
	} else {
		status = C.atlscim_sync_resume(ph, cBytes(options), C.size_t(len(options)), cBytes(state), C.size_t(len(state)),
			&handle, &cerr)
	}
	if status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	e := &Executor{handle: handle}
	e.cleanup = runtime.AddCleanup(e, func(handle *C.atlscim_sync) {
		handlesFreedByCleanup.Add(1)
		C.atlscim_sync_free(handle)
	}, handle)
	return e, nil
}

// seconds is a time as the executor takes it: seconds since the Unix epoch.
func seconds(t time.Time) C.double {
	return C.double(float64(t.UnixNano()) / 1e9)
}

// Next says what to do at time now. A send is recorded in the state as sent before it is
// handed out: save the state before sending it.
func (e *Executor) Next(now time.Time) (Action, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.handle == nil {
		return Action{}, ErrClosed
	}
	var a C.atlscim_sync_action
	var cerr *C.atlscim_error
	if status := C.atlscim_sync_next(e.handle, seconds(now), &a, &cerr); status != C.ATLSCIM_STATUS_OK {
		return Action{}, takeError(status, cerr)
	}
	action := Action{Kind: ActionKind(a.kind)}
	switch action.Kind {
	case ActionWait:
		action.Wait = time.Duration(math.Ceil(float64(a.wait_seconds) * 1e9))
	case ActionSend:
		action.Step, action.Method, action.Path = copyString(a.step), copyString(a.method), copyString(a.path)
		action.Header = make(http.Header, int(a.header_count))
		for i := C.size_t(0); i < a.header_count; i++ {
			h := C.go_action_header(&a, i)
			name := C.GoStringN(h.name, C.int(h.name_len))
			action.Header.Set(name, C.GoStringN(h.value, C.int(h.value_len)))
		}
		if a.body.data != nil {
			action.Body = C.GoBytes(unsafe.Pointer(a.body.data), C.int(a.body.len))
			action.HasBody = true
		}
	}
	return action, nil
}

// Feed takes the answer to the request Next handed out: its status (0 when no answer came: a
// timeout, a connection lost), headers and body, received at now. Feeding with no request
// outstanding is StatusNothingOutstanding.
func (e *Executor) Feed(status int, header http.Header, body []byte, now time.Time) error {
	if status < 0 || status > math.MaxUint16 {
		return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf("HTTP status %d is out of range", status)}
	}
	var text []byte
	lens := make([]C.size_t, 0, 2*len(header))
	for name, values := range header {
		for _, v := range values {
			text = append(append(text, name...), v...)
			lens = append(lens, C.size_t(len(name)), C.size_t(len(v)))
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.handle == nil {
		return ErrClosed
	}
	var lensPtr *C.size_t
	if len(lens) > 0 {
		lensPtr = &lens[0]
	}
	var cerr *C.atlscim_error
	st := C.go_sync_feed(e.handle, C.uint16_t(status), cBytes(body), C.size_t(len(body)), cBytes(text), lensPtr,
		C.size_t(len(lens)/2), seconds(now), &cerr)
	if st != C.ATLSCIM_STATUS_OK {
		return takeError(st, cerr)
	}
	return nil
}

// State returns the executor's state as JSON (docs/sync.md, "State JSON"): save it, and pass it
// to NewExecutor to resume.
func (e *Executor) State() ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.handle == nil {
		return nil, ErrClosed
	}
	return takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_sync_state_json(e.handle, out, cerr)
	})
}

// Outcomes counts the steps by outcome: "applied", "adopted", "conflict", "failed", "skipped",
// "not_run", "pending".
func (e *Executor) Outcomes() (map[string]int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.handle == nil {
		return nil, ErrClosed
	}
	text, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_sync_outcomes_json(e.handle, out, cerr)
	})
	counts := map[string]int{}
	if err == nil {
		err = json.Unmarshal(text, &counts)
	}
	return counts, err
}

// Close frees the executor. Later calls return ErrClosed; closing twice is harmless.
func (e *Executor) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.handle != nil {
		e.cleanup.Stop()
		C.atlscim_sync_free(e.handle)
		e.handle = nil
	}
	return nil
}

// SyncConfig says where and how Sync carries a plan out.
type SyncConfig struct {
	// BaseURL is the directory's SCIM base URL, https://api.atlassian.com/scim/directory/{id}.
	BaseURL string
	// Token is the bearer token, sent in Authorization; it is never written to the state.
	Token string
	// Options: retries, backoff, rate budget; nil is the defaults.
	Options *ExecOptions
	// State resumes an earlier run (from SyncResult.State or OnState).
	State []byte
	// OnState, when set, receives the state after every step of the run, before each request is
	// sent; write it to a file to resume after a crash. An error stops the run.
	OnState func(state []byte) error
	// OnProgress, when set, is called after every answer.
	OnProgress func(Progress)
	// MaxResponseBytes bounds how much of an answer is read (default 16 MiB).
	MaxResponseBytes int64
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Progress is where a run is: Finished of Total steps have an outcome; Step was just answered
// with Status.
type Progress struct {
	Finished, Total int
	Step            string
	Status          int
}

// SyncResult is what a run did: the steps by outcome, why it stopped early (a refused API key),
// the final state, and how many requests went out.
type SyncResult struct {
	Outcomes map[string]int
	Stopped  string
	State    []byte
	Requests int
}

// OK is true when every step was applied or adopted and the run did not stop.
func (r *SyncResult) OK() bool {
	if r.Stopped != "" {
		return false
	}
	for outcome, n := range r.Outcomes {
		if n > 0 && outcome != "applied" && outcome != "adopted" {
			return false
		}
	}
	return true
}

// Sync carries plan out over client (http.DefaultClient when nil) against cfg.BaseURL, with the
// executor's waits, retries, 409 lookups and stop on 401/403. It returns when every step has an
// outcome, or with ctx's error when ctx is cancelled: between requests, during a wait, or
// mid-request (the state then records that request as in flight, and resuming reconciles it).
// The result is never nil when the plan could be started; its State resumes the run.
func Sync(ctx context.Context, plan *Plan, client *http.Client, cfg SyncConfig) (*SyncResult, error) {
	if client == nil {
		client = http.DefaultClient
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	limit := cfg.MaxResponseBytes
	if limit <= 0 {
		limit = 16 << 20
	}
	ex, err := NewExecutor(plan, cfg.Options, cfg.State)
	if err != nil {
		return nil, err
	}
	defer ex.Close()
	base := strings.TrimRight(cfg.BaseURL, "/")
	result := &SyncResult{}
	finish := func(runErr error) (*SyncResult, error) {
		state, err := ex.State()
		if err != nil {
			return result, err
		}
		result.State = state
		var s struct {
			Stopped *string `json:"stopped"`
		}
		if err := json.Unmarshal(state, &s); err == nil && s.Stopped != nil {
			result.Stopped = *s.Stopped
		}
		if result.Outcomes, err = ex.Outcomes(); err != nil {
			return result, err
		}
		if runErr == nil && cfg.OnState != nil {
			runErr = cfg.OnState(state)
		}
		return result, runErr
	}
	save := func() error {
		if cfg.OnState == nil {
			return nil
		}
		state, err := ex.State()
		if err != nil {
			return err
		}
		return cfg.OnState(state)
	}
	for {
		if err := ctx.Err(); err != nil {
			return finish(err)
		}
		action, err := ex.Next(now())
		if err != nil {
			return finish(err)
		}
		switch action.Kind {
		case ActionDone:
			return finish(nil)
		case ActionWait:
			timer := time.NewTimer(action.Wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return finish(ctx.Err())
			case <-timer.C:
			}
			continue
		}
		// Saved before the request goes out: a crash after this knows the write may have happened.
		if err := save(); err != nil {
			return finish(err)
		}
		result.Requests++
		status, header, body, err := send(ctx, client, base, cfg.Token, action, limit)
		if err != nil {
			return finish(err)
		}
		if err := ex.Feed(status, header, body, now()); err != nil {
			return finish(err)
		}
		if cfg.OnProgress != nil {
			counts, err := ex.Outcomes()
			if err != nil {
				return finish(err)
			}
			cfg.OnProgress(Progress{Finished: len(plan.Steps) - counts["pending"], Total: len(plan.Steps), Step: action.Step, Status: status})
		}
	}
}

// send makes one request of a run: the answer's status, headers and body, or status 0 when no
// answer came. The error is ctx's, when the run was cancelled.
func send(ctx context.Context, client *http.Client, base, token string, a Action, limit int64) (int, http.Header, []byte, error) {
	var body io.Reader
	if a.HasBody {
		body = bytes.NewReader(a.Body)
	}
	req, err := http.NewRequestWithContext(ctx, a.Method, base+a.Path, body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = a.Header.Clone()
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, nil, ctx.Err()
		}
		// No answer (timeout, connection lost): the write may have been applied.
		return 0, nil, nil, nil
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, nil, ctx.Err()
		}
		return 0, nil, nil, nil
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// FetchCurrent reads Atlassian's side, every page of GET /Users and GET /Groups, as the JSON
// ({"Users": [...], "Groups": [...]}) that Profile.Plan takes as current. It waits out 429s and
// retries 5xx (up to 10 times a page, as ClassifyResponse says), and fails on any other answer
// or when ctx is done.
func FetchCurrent(ctx context.Context, client *http.Client, baseURL, token string) ([]byte, error) {
	if client == nil {
		client = http.DefaultClient
	}
	base := strings.TrimRight(baseURL, "/")
	out := map[string][]json.RawMessage{"Users": {}, "Groups": {}}
	for _, collection := range []string{"Users", "Groups"} {
		resources, err := fetchCollection(ctx, client, base, token, collection)
		if err != nil {
			return nil, err
		}
		out[collection] = resources
	}
	return json.Marshal(out)
}

// fetchCollection reads every page of one collection; the paging (startIndex, totalResults, the
// end of the listing) is the library's pager.
func fetchCollection(ctx context.Context, client *http.Client, base, token, collection string) ([]json.RawMessage, error) {
	name := []byte(collection)
	var pager *C.atlscim_pager
	var cerr *C.atlscim_error
	if status := C.atlscim_pager_new(cBytes(name), C.size_t(len(name)), 0, &pager, &cerr); status != C.ATLSCIM_STATUS_OK {
		return nil, takeError(status, cerr)
	}
	defer C.atlscim_pager_free(pager)
	out := []json.RawMessage{}
	for {
		path, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
			return C.atlscim_pager_next_path(pager, out, cerr)
		})
		if err != nil {
			return nil, err
		}
		if len(path) == 0 {
			return out, nil
		}
		body, err := fetchPage(ctx, client, base+string(path), token)
		if err != nil {
			return nil, fmt.Errorf("atlscim: GET %s: %w", path, err)
		}
		page, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
			return C.atlscim_pager_feed(pager, cBytes(body), C.size_t(len(body)), out, cerr)
		})
		runtime.KeepAlive(body)
		if err != nil {
			return nil, err
		}
		var resources []json.RawMessage
		if err := json.Unmarshal(page, &resources); err != nil {
			return nil, fmt.Errorf("atlscim: reading the library's page: %w", err)
		}
		out = append(out, resources...)
	}
}

// fetchPage GETs one page, waiting out 429s and retrying 5xx, and returns the 200 answer's body.
func fetchPage(ctx context.Context, client *http.Client, url, token string) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/scim+json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusOK {
			return body, nil
		}
		verdict, err := ClassifyResponse(resp.StatusCode, body, resp.Header, time.Now())
		if err != nil {
			return nil, err
		}
		if !verdict.Retryable || attempt == 10 {
			return nil, fmt.Errorf("%d %s", resp.StatusCode, verdict.Detail)
		}
		wait := time.Second
		if verdict.HasRetryAfter {
			wait = verdict.RetryAfter
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-timer.C:
		}
	}
}
