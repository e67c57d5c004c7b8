package atlscim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const (
	validUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com",
		"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]}`
	groupEng     = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"eng"}`
	patchSame    = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"eng"}]}`
	patchRenamed = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"ops"}]}`
)

// scimServer is a local SCIM endpoint under /scim/directory/d1 that records what it receives.
type scimServer struct {
	*httptest.Server
	mu       sync.Mutex
	received []string // "METHOD PATH BODY"
}

func newSCIMServer(t *testing.T) *scimServer {
	s := &scimServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.received = append(s.received, r.Method+" "+r.URL.Path+" "+string(body))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/scim+json")
		switch {
		case r.URL.Path == "/scim/directory/d1/Users" && r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			w.Write(body)
		case r.URL.Path == "/scim/directory/d1/Groups/g1":
			io.WriteString(w, groupEng)
		case r.URL.Path == "/scim/directory/d1/Users/busy":
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"429","detail":"slow down"}`)
		default:
			io.WriteString(w, "ok")
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *scimServer) base() string { return s.URL + "/scim/directory/d1" }

func (s *scimServer) got(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.received {
		if strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func clientFor(s *scimServer, rt *RoundTripper) *http.Client {
	rt.BaseURL = s.base()
	return &http.Client{Transport: rt}
}

func TestRoundTripperSendsValidRequestsAndClassifiesAnswers(t *testing.T) {
	s := newSCIMServer(t)
	client := clientFor(s, &RoundTripper{Profile: mustProfile(t, Config{})})
	resp, err := client.Post(s.base()+"/Users", "application/scim+json", strings.NewReader(validUser))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ex := ExchangeOf(resp)
	if resp.StatusCode != 201 || ex == nil || !ex.Report.Valid || answerOf(t, ex).Kind != "success" || ex.Synthetic {
		t.Fatalf("status %d, exchange %+v", resp.StatusCode, ex)
	}
	if body, _ := io.ReadAll(resp.Body); !json.Valid(body) {
		t.Errorf("the answer's body was not handed on: %q", body)
	}
	busy, err := client.Get(s.base() + "/Users/busy")
	if err != nil {
		t.Fatal(err)
	}
	busy.Body.Close()
	if ex := ExchangeOf(busy); ex == nil || !answerOf(t, ex).Retryable || !answerOf(t, ex).HasRetryAfter || answerOf(t, ex).RetryAfter.Seconds() != 30 {
		t.Errorf("429 not classified: %+v", ex)
	}
}

func TestRoundTripperRefusesInvalidRequestsBeforeSending(t *testing.T) {
	s := newSCIMServer(t)
	client := clientFor(s, &RoundTripper{Profile: mustProfile(t, Config{})})
	_, err := client.Post(s.base()+"/Users", "application/scim+json", strings.NewReader(userNoPrimary))
	var refused *RequestError
	if !errors.As(err, &refused) || refused.Report.Status != 400 || refused.Report.Issues[0].Rule != "ATL-U-003" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "ATL-U-003") || len(s.got("")) != 0 {
		t.Errorf("err %q; the server received %v", err, s.got(""))
	}
}

func TestRoundTripperLogsOrSendsInvalidRequestsWhenAsked(t *testing.T) {
	s := newSCIMServer(t)
	var logged bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	for _, mode := range []OnInvalid{OnInvalidLog, OnInvalidSend} {
		client := clientFor(s, &RoundTripper{Profile: mustProfile(t, Config{}), OnInvalid: mode, Logger: logger})
		resp, err := client.Post(s.base()+"/Users", "application/scim+json", strings.NewReader(userNoPrimary))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ex := ExchangeOf(resp); ex == nil || ex.Report.Valid {
			t.Errorf("mode %d: exchange %+v", mode, ex)
		}
	}
	if strings.Count(logged.String(), "ATL-U-003") != 1 || len(s.got("POST")) != 2 {
		t.Errorf("log %q; received %v", logged.String(), s.got(""))
	}
}

func TestRoundTripperLetsOtherURLsThrough(t *testing.T) {
	s := newSCIMServer(t)
	client := clientFor(s, &RoundTripper{Profile: mustProfile(t, Config{})})
	resp, err := client.Post(s.URL+"/elsewhere", "text/plain", strings.NewReader("not json"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ExchangeOf(resp) != nil || strings.Join(s.got(""), "|") != "POST /elsewhere not json" {
		t.Errorf("received %v", s.got(""))
	}
}

func TestRoundTripperSendsNormalizedOnlyWhenAsked(t *testing.T) {
	s := newSCIMServer(t)
	user := strings.Replace(validUser, `"userName"`, `"active":"False","userName"`, 1)
	for _, normalized := range []bool{false, true} {
		client := clientFor(s, &RoundTripper{Profile: mustProfile(t, Config{}), SendNormalized: normalized})
		resp, err := client.Post(s.base()+"/Users", "application/scim+json", strings.NewReader(user))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ExchangeOf(resp).SentNormalized != normalized {
			t.Errorf("SentNormalized = %v", !normalized)
		}
	}
	got := s.got("POST")
	if len(got) != 2 || !strings.Contains(got[0], `"active":"False"`) || !strings.Contains(got[1], `"active":false`) {
		t.Errorf("received %v", got)
	}
}

func TestRoundTripperRemembersCurrentAndSkipsNoOps(t *testing.T) {
	s := newSCIMServer(t)
	group := s.base() + "/Groups/g1"
	patch := func(client *http.Client, body string) (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPatch, group, strings.NewReader(body))
		return client.Do(req)
	}
	// Without current a rename cannot be judged: a warning, and it is sent.
	plain := clientFor(s, &RoundTripper{Profile: mustProfile(t, Config{})})
	resp, err := patch(plain, patchRenamed)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if issues := ExchangeOf(resp).Report.Issues; len(issues) != 1 || issues[0].Rule != "ATL-G-002" || issues[0].Severity != SeverityWarning {
		t.Errorf("issues %+v", issues)
	}
	client := clientFor(s, &RoundTripper{Profile: mustProfile(t, Config{}), RememberCurrent: true, SendNormalized: true})
	resp, err = client.Get(group)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var refused *RequestError
	if _, err := patch(client, patchRenamed); !errors.As(err, &refused) || refused.Report.Issues[0].Rule != "ATL-G-002" {
		t.Errorf("a rename with current: %v", err)
	}
	resp, err = patch(client, patchSame)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ex := ExchangeOf(resp); resp.StatusCode != 204 || ex == nil || !ex.Synthetic || answerOf(t, ex).Kind != "success" {
		t.Errorf("no-op: status %d, exchange %+v", resp.StatusCode, ex)
	}
	if n := len(s.got("PATCH")); n != 1 {
		t.Errorf("%d PATCHes reached the server, want the first one only", n)
	}
}

// An existing connector written for a plain http.Client gains the checks when only the line that
// builds its client changes.
func TestAnExistingClientGainsTheChecksByItsTransport(t *testing.T) {
	s := newSCIMServer(t)
	syncUsers := func(client *http.Client, users []string) []string {
		var out []string
		for _, u := range users {
			resp, err := client.Post(s.base()+"/Users", "application/scim+json", strings.NewReader(u))
			if err != nil {
				out = append(out, "refused")
				continue
			}
			resp.Body.Close()
			out = append(out, resp.Status[:3])
		}
		return out
	}
	users := []string{validUser, userNoPrimary}
	if got := syncUsers(&http.Client{}, users); strings.Join(got, ",") != "201,201" {
		t.Errorf("plain client: %v", got)
	}
	checked := &http.Client{Transport: &RoundTripper{Profile: mustProfile(t, Config{}), BaseURL: s.base()}}
	if got := syncUsers(checked, users); strings.Join(got, ",") != "201,refused" {
		t.Errorf("checked client: %v", got)
	}
}

func TestRoundTripperNeedsAnAbsoluteBaseURL(t *testing.T) {
	client := &http.Client{Transport: &RoundTripper{Profile: mustProfile(t, Config{}), BaseURL: "/scim"}}
	if _, err := client.Get("http://127.0.0.1:1/scim/Users"); err == nil || !strings.Contains(err.Error(), "absolute URL") {
		t.Errorf("err = %v", err)
	}
}

// answerOf is the exchange's classified answer; classifying a real answer never fails.
func answerOf(t *testing.T, ex *Exchange) *Response {
	t.Helper()
	answer, err := ex.Response()
	if err != nil {
		t.Fatal(err)
	}
	return answer
}

// The RoundTripper sends a shallow copy of the caller's request: the caller's own request keeps
// its headers and context, whatever the RoundTripper sends (here the normalized body with its own
// Content-Length), and the answer's body is handed on whole.
func TestRoundTripperLeavesTheCallersRequestAlone(t *testing.T) {
	s := newSCIMServer(t)
	user := strings.Replace(validUser, `"userName"`, `"active":"False","userName"`, 1)
	rt := &RoundTripper{Profile: mustProfile(t, Config{}), SendNormalized: true, BaseURL: s.base()}
	req, err := http.NewRequest(http.MethodPost, s.base()+"/Users", strings.NewReader(user))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/scim+json")
	req.Header.Set("Content-Length", strconv.Itoa(len(user)))
	headers := req.Header.Clone()
	ctx := req.Context()
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !reflect.DeepEqual(req.Header, headers) || req.Context() != ctx {
		t.Errorf("the caller's request changed: headers %v", req.Header)
	}
	if resp.Request == req || resp.Request.Header.Get("Content-Length") != strconv.Itoa(len(answer)) {
		t.Errorf("sent Content-Length %q for a body of %d bytes", resp.Request.Header.Get("Content-Length"), len(answer))
	}
	if !strings.Contains(string(answer), `"active":false`) {
		t.Errorf("answer %s", answer)
	}
	ex := ExchangeOf(resp)
	if ex == nil || !ex.SentNormalized {
		t.Fatalf("exchange %+v", ex)
	}
	answered, err := ex.Response()
	if err != nil || answered.Kind != ResponseSuccess || answered.Status != http.StatusCreated {
		t.Errorf("response %+v, %v", answered, err)
	}
}

func TestRoundTripperTakesADefaultPortAsTheSameHost(t *testing.T) {
	// A BaseURL that spells the default port out (or leaves it off) must still see the requests
	// written the other way; otherwise every request would pass through unchecked.
	for _, base := range []string{"https://api.example.com:443/scim/directory/d1", "https://API.example.com/scim/directory/d1"} {
		rt := &RoundTripper{BaseURL: base}
		for _, raw := range []string{"https://api.example.com/scim/directory/d1/Users", "https://api.example.com:443/scim/directory/d1/Users"} {
			u, _ := url.Parse(raw)
			if got, err := rt.scimPath(u); err != nil || got != "/Users" {
				t.Errorf("base %s, %s: got %q, %v; want /Users", base, raw, got, err)
			}
		}
		for _, raw := range []string{"https://api.example.com:8443/scim/directory/d1/Users", "http://api.example.com:443/scim/directory/d1/Users"} {
			u, _ := url.Parse(raw)
			if got, err := rt.scimPath(u); err != nil || got != "" {
				t.Errorf("base %s, %s: got %q, %v; want outside", base, raw, got, err)
			}
		}
	}
}
