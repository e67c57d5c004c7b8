package atlscim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/atlscim/atlscim/go/atlscimtest"
)

// The RoundTripper against atlscim serve (atlscimtest), the Atlassian-faithful endpoint: what is
// refused never reaches its directory, what is sent gets the server's own answers, classified.
// transport_test.go covers every option against a recording httptest server.
func TestRoundTripperAgainstAtlscimServe(t *testing.T) {
	srv := atlscimtest.NewServer(t, atlscimtest.Config{})
	client := &http.Client{Transport: &RoundTripper{Profile: mustProfile(t, Config{}), BaseURL: srv.URL, RememberCurrent: true}}
	do := func(method, path, body string) (*http.Response, error) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+srv.Token)
		req.Header.Set("Content-Type", "application/scim+json")
		return client.Do(req)
	}
	answer := func(method, path, body string) (*http.Response, *Response, []byte) {
		t.Helper()
		resp, err := do(method, path, body)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		read, _ := io.ReadAll(resp.Body)
		ex := ExchangeOf(resp)
		if ex == nil {
			t.Fatalf("%s %s: no exchange", method, path)
		}
		return resp, answerOf(t, ex), read
	}
	refused := func(method, path, body, rule string) {
		t.Helper()
		_, err := do(method, path, body)
		var e *RequestError
		if !errors.As(err, &e) || len(e.Report.Issues) == 0 || e.Report.Issues[0].Rule != rule {
			t.Fatalf("%s %s: err = %v, want %s", method, path, err, rule)
		}
	}

	if resp, a, _ := answer("POST", "/Users", validUser); resp.StatusCode != 201 || a.Kind != ResponseSuccess {
		t.Fatalf("create: %d %+v", resp.StatusCode, a)
	}
	// The server's own 409 for a userName it holds, read as Atlassian's answer.
	if resp, a, _ := answer("POST", "/Users", validUser); resp.StatusCode != 409 || a.Kind != ResponseConflict || a.Rule != "ATL-U-007" {
		t.Fatalf("again: %d %+v", resp.StatusCode, a)
	}
	refused("POST", "/Users", strings.Replace(userNoPrimary, "bjensen@", "jsmith@", 2), "ATL-U-003")

	_, _, created := answer("POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"eng"}`)
	var group struct{ ID string }
	if err := json.Unmarshal(created, &group); err != nil || group.ID == "" {
		t.Fatalf("group: %s (%v)", created, err)
	}
	answer("GET", "/Groups/"+group.ID, "") // remembered as current: the rename is judged against it
	refused("PATCH", "/Groups/"+group.ID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","path":"displayName","value":"ops"}]}`, "ATL-G-002")

	users, err := srv.Users()
	if err != nil || len(users) != 1 || users[0]["userName"] != "bjensen@example.com" {
		t.Errorf("users %v (%v): the refused user must not reach the server", users, err)
	}
	groups, err := srv.Groups()
	if err != nil || len(groups) != 1 || groups[0]["displayName"] != "eng" {
		t.Errorf("groups %v (%v)", groups, err)
	}
	requests, err := srv.Requests()
	if err != nil {
		t.Fatal(err)
	}
	methods := map[any]int{}
	for _, r := range requests {
		methods[r["method"]]++
	}
	if methods["POST"] != 3 || methods["GET"] != 1 || methods["PATCH"] != 0 {
		t.Errorf("the server received %v; want 3 POSTs (two users, one group), 1 GET, no PATCH", methods)
	}
}
