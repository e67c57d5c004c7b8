package atlscim

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const userNoPrimary = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com",
	"emails":[{"value":"bjensen@example.com","type":"work"}]}`

const userActiveString = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com",
	"emails":[{"value":"bjensen@example.com","type":"work","primary":true}],"active":"False"}`

func mustProfile(t testing.TB, c Config) *Profile {
	t.Helper()
	p, err := NewProfile(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestInvalidRequestIsAReportNotAnError(t *testing.T) {
	p := mustProfile(t, Config{})
	r, err := p.Check(Request{Method: "POST", Path: "/Users", Body: []byte(userNoPrimary)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Valid || r.Status != 400 || len(r.Issues) != 1 {
		t.Fatalf("got %+v", r)
	}
	want := Issue{Severity: SeverityError, Rule: "ATL-U-003", Path: "emails", Pointer: "/emails", Status: 400}
	got := r.Issues[0]
	got.Detail = ""
	if got != want {
		t.Errorf("issue %+v, want %+v", got, want)
	}
	text, err := json.Marshal(r.Issues[0])
	if err != nil || !strings.Contains(string(text), `"scimType":null`) {
		t.Errorf("an absent scimType is null in JSON: %s (%v)", text, err)
	}
}

func TestNormalizedIsBuiltWhenAskedAndDoesNotAliasTheRequest(t *testing.T) {
	p := mustProfile(t, Config{})
	body := []byte(userActiveString)
	r, err := p.Check(Request{Method: "POST", Path: "/Users", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	clear(body) // the caller may reuse its buffer at once
	if !r.Valid || len(r.Issues) == 0 || r.Issues[0].Severity != SeverityInfo {
		t.Fatalf("got %+v", r)
	}
	n, err := r.Normalized()
	if err != nil || !strings.Contains(string(n), `"active":false`) {
		t.Fatalf("normalized %s (%v)", n, err)
	}
	again, _ := r.Normalized()
	if string(again) != string(n) {
		t.Errorf("a second call gave %s", again)
	}

	body = []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering"}`)
	r, err = p.Check(Request{Method: "POST", Path: "/Groups", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	clear(body)
	if n, _ := r.Normalized(); !sameJSON(n, []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering"}`)) {
		t.Errorf("an unchanged body is normalized as checked, got %s", n)
	}

	r, err = p.Check(Request{Method: "POST", Path: "/Users", Body: []byte(`{"userName": `)})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := r.Normalized(); n != nil || err != nil {
		t.Errorf("an unreadable body has no normalized form, got %s (%v)", n, err)
	}
}

// Fixes gives the lenient fixes as data: built at check time with Normalize, by checking again
// without it, and [] when nothing is fixed.
func TestFixesAreTheChangesNormalizedMakes(t *testing.T) {
	p := mustProfile(t, Config{})
	want := `[{"op":"replace","path":"/active","value":false}]`
	for _, normalize := range []bool{true, false} {
		body := []byte(userActiveString)
		r, err := p.Check(Request{Method: "POST", Path: "/Users", Body: body, Normalize: normalize})
		if err != nil {
			t.Fatal(err)
		}
		clear(body) // the report keeps what it needs
		got, err := r.Fixes()
		if err != nil || string(got) != want {
			t.Errorf("normalize %v: fixes %s (%v), want %s", normalize, got, err, want)
		}
	}
	r, err := p.Check(Request{Method: "POST", Path: "/Users", Body: []byte(strings.Replace(userActiveString, `"False"`, "false", 1))})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.Fixes(); err != nil || string(got) != "[]" {
		t.Errorf("nothing fixed: %s (%v)", got, err)
	}
}

func TestNilAndEmptyBodiesDiffer(t *testing.T) {
	p := mustProfile(t, Config{})
	none, err1 := p.Check(Request{Method: "POST", Path: "/Users"})
	empty, err2 := p.Check(Request{Method: "POST", Path: "/Users", Body: []byte{}})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if none.Valid || empty.Valid || none.Issues[0].Rule == empty.Issues[0].Rule {
		t.Errorf("no body %+v and an empty body %+v should be different mistakes", none.Issues, empty.Issues)
	}
	// An empty method is an invalid request too, not a failed call.
	if r, err := p.Check(Request{}); err != nil || r.Valid {
		t.Errorf("zero Request: %+v, %v", r, err)
	}
}

func TestErrorsCarryTheStatus(t *testing.T) {
	_, err := NewProfileJSON([]byte(`{"limits": {"max_depth": 0}}`))
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalidConfig || e.Key != "limits.max_depth" {
		t.Fatalf("got %#v", err)
	}
	if !errors.Is(err, StatusInvalidConfig) || errors.Is(err, StatusInvalidJSON) {
		t.Errorf("errors.Is should match the status only: %v", err)
	}
	if !strings.Contains(err.Error(), "limits.max_depth") {
		t.Errorf("the message names the key: %v", err)
	}
	_, err = NewProfile(Config{VerifiedDomains: []VerifiedDomain{{Domain: "not a domain"}}})
	if !errors.As(err, &e) || e.Key != "verified_domains[0]" {
		t.Errorf("got %#v", err)
	}
	_, err = NewProfileJSON(nil)
	if !errors.Is(err, StatusInvalidConfig) {
		t.Errorf("empty config: %v", err)
	}

	p := mustProfile(t, Config{})
	_, err = p.Check(Request{Method: "PUT", Path: "/Users/1", Body: []byte(userNoPrimary), Current: []byte(`{"id": `)})
	if !errors.Is(err, StatusInvalidJSON) {
		t.Errorf("current that is not JSON: %v", err)
	}
	_, err = p.Check(Request{Method: "P\xc3", Path: "/Users"})
	if !errors.Is(err, StatusInvalidUTF8) {
		t.Errorf("method that is not UTF-8: %v", err)
	}
	if StatusInvalidConfig.String() != "invalid config" || Status(9999).String() != "unknown status" {
		t.Errorf("status strings: %q %q", StatusInvalidConfig, Status(9999))
	}
}

func TestConfigIsTheSharedConfigJSON(t *testing.T) {
	lenient := false
	typed := mustProfile(t, Config{
		Profile:         "rfc",
		VerifiedDomains: []VerifiedDomain{{Domain: "Example.COM"}, {Domain: "corp.example.org", Subdomains: true}},
		KnownGroups:     []string{"jira-users-acme"},
		Limits:          &Limits{MaxDepth: 16},
		Lenient:         &lenient,
	})
	p, err := NewProfileJSON([]byte(`{"profile": "rfc", "verified_domains": ["example.com",
		{"domain": "corp.example.org", "subdomains": true}], "known_groups": ["jira-users-acme"],
		"limits": {"max_depth": 16}, "lenient": false}`))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	a, err1 := typed.ConfigJSON()
	b, err2 := p.ConfigJSON()
	if err1 != nil || err2 != nil || !sameJSON(a, b) {
		t.Errorf("typed config %s (%v) differs from JSON config %s (%v)", a, err1, b, err2)
	}
	def := mustProfile(t, Config{})
	if c, _ := def.ConfigJSON(); !strings.Contains(string(c), `"profile":"atlassian"`) || !strings.Contains(string(c), `"lenient":true`) {
		t.Errorf("the zero Config is the atlassian profile's defaults: %s", c)
	}
}

func TestClose(t *testing.T) {
	p, err := NewProfile(Config{})
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := p.Check(Request{Method: "POST", Path: "/Users", Body: []byte(userActiveString)})
	if err != nil {
		t.Fatal(err)
	}
	asked, err := p.Check(Request{Method: "POST", Path: "/Users", Body: []byte(userActiveString)})
	if err != nil {
		t.Fatal(err)
	}
	before, err := asked.Normalized()
	if err != nil {
		t.Fatal(err)
	}
	group := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering"}`
	unfixed, err := p.Check(Request{Method: "POST", Path: "/Groups", Body: []byte(group)})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := p.Check(Request{Method: "GET", Path: "/Users"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Check after Close: %v", err)
	}
	if _, err := p.ConfigJSON(); !errors.Is(err, ErrClosed) {
		t.Errorf("ConfigJSON after Close: %v", err)
	}
	// A report keeps its verdict, and the body it already has, after its profile is closed; only
	// building a body with fixes needs the profile.
	if n, err := unfixed.Normalized(); err != nil || string(n) != group {
		t.Errorf("unfixed normalized after Close: %s (%v)", n, err)
	}
	if n, err := asked.Normalized(); err != nil || string(n) != string(before) {
		t.Errorf("normalized built before Close: %s (%v)", n, err)
	}
	if _, err := fixed.Normalized(); !errors.Is(err, ErrClosed) {
		t.Errorf("normalized with fixes after Close: %v", err)
	}
	if !fixed.Valid || len(fixed.Issues) == 0 {
		t.Errorf("verdict after Close: %+v", fixed)
	}
}

// Close waits for checks running on other goroutines, and checks after it fail cleanly.
func TestCloseWhileChecking(t *testing.T) {
	p, err := NewProfile(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, err := p.Check(Request{Method: "POST", Path: "/Users", Body: []byte(userNoPrimary)})
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	p.Close()
	wg.Wait()
}

// Profiles nobody closes are freed by their cleanups (the finalizers) once unreachable.
func TestUnreachableProfilesAreFreed(t *testing.T) {
	before := handlesFreedByCleanup.Load()
	for range 50 {
		p, err := NewProfile(Config{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Check(Request{Method: "POST", Path: "/Users", Body: []byte(userActiveString)}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for handlesFreedByCleanup.Load()-before < 50 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := handlesFreedByCleanup.Load() - before; n < 50 {
		t.Errorf("cleanups freed %d of 50 profiles", n)
	}
}

// One profile used by 64 goroutines at once gives every goroutine the results one goroutine
// gets.
func TestSharedProfileAcrossGoroutines(t *testing.T) {
	p := mustProfile(t, Config{})
	var requests []Request
	cases := loadVectors(t)
	for _, c := range cases {
		req, err := requestOf(&c)
		// The default profile's cases, without the multi-megabyte bodies (slow under -race).
		if err == nil && isNull(c.Config) && len(req.Body) < 1<<16 {
			requests = append(requests, req)
		}
	}
	if len(requests) < 20 {
		t.Fatalf("only %d requests to share", len(requests))
	}
	want := make([][]byte, len(requests))
	for i, req := range requests {
		r, err := p.Check(req)
		if err != nil {
			t.Fatal(err)
		}
		if want[i], err = json.Marshal(r); err != nil {
			t.Fatal(err)
		}
	}
	const goroutines, rounds = 64, 3
	var wg sync.WaitGroup
	errs := make(chan string, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range rounds {
				for k := range requests {
					i := (k + g + round) % len(requests) // goroutines start at different cases
					r, err := p.Check(requests[i])
					if err != nil {
						errs <- err.Error()
						return
					}
					got, err := json.Marshal(r)
					if err != nil || string(got) != string(want[i]) {
						errs <- "goroutine got a different report:\n" + string(got) + "\n" + string(want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestVersionAndRules(t *testing.T) {
	// The library linked in carries the workspace version (Cargo.toml, the one place it is set).
	cargo, err := os.ReadFile("../Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^version = "([^"]+)"`).FindSubmatch(cargo)
	if want == nil || Version() != string(want[1]) {
		t.Errorf("Version() = %q, Cargo.toml says %q", Version(), want)
	}
	rules, err := RulesJSON()
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(rules, &list); err != nil || len(list) == 0 {
		t.Fatalf("rules: %v", err)
	}
	found := false
	for _, r := range list {
		found = found || r.ID == "ATL-U-003"
	}
	if !found {
		t.Errorf("ATL-U-003 is not among the rules")
	}
}

// More issues than Check has room for on the stack take the other path to the same report.
func TestManyIssues(t *testing.T) {
	p := mustProfile(t, Config{})
	var body strings.Builder
	body.WriteString(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com",` +
		`"emails":[{"value":"a@example.com","primary":true}]`)
	for i := range 40 {
		fmt.Fprintf(&body, `,"unknown%d":%d`, i, i)
	}
	body.WriteString("}")
	req := Request{Method: "POST", Path: "/Users", Body: []byte(body.String())}
	r, err := p.Check(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Issues) < 40 || r.Issues[39].Pointer == "" {
		t.Fatalf("%d issues: %+v", len(r.Issues), r.Issues)
	}
	want, err := p.reportJSON(req)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := json.Marshal(r); err != nil || !sameJSON(got, want) {
		t.Errorf("report JSON (%v)\n    go      %s\n    library %s", err, got, want)
	}
}

// growStack makes the calling goroutine's stack large, so that the garbage collector later
// shrinks it (by moving it) while the goroutine runs shallow code.
func growStack(depth int) int {
	var pad [256]byte
	if depth == 0 {
		return int(pad[0])
	}
	return growStack(depth-1) + int(pad[depth%256])
}

// Issues with empty texts (a whole-body issue has an empty path and pointer) are copied while
// the garbage collector moves goroutine stacks: every pointer the library hands out must be
// one Go accepts (an empty Rust string's dangling pointer is not).
func TestEmptyTextsSurviveStackMoves(t *testing.T) {
	p := mustProfile(t, Config{})
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	defer close(stop)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5000 {
				growStack(200)
				r, err := p.Check(Request{Method: "POST", Path: "/Users", Body: []byte(`{"userName": `)})
				if err != nil || len(r.Issues) != 1 || r.Issues[0].Pointer != "" {
					t.Errorf("got %+v, %v", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// Normalize builds the body to send during the check: the same body, and the same nothing to
// send, as Normalized builds afterwards by checking again, and ready after the profile is
// closed (the later build needs it open). For a profile's check and a batch's.
func TestNormalizeAtCheckIsWhatNormalizedBuildsLater(t *testing.T) {
	p := mustProfile(t, Config{})
	patchSame := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"eng"}]}`
	group := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"eng"}`
	requests := []Request{
		{Method: "POST", Path: "/Users", Body: []byte(userActiveString)},
		{Method: "PATCH", Path: "/Groups/g1", Body: []byte(patchSame), Current: []byte(group)},
		{Method: "POST", Path: "/Groups", Body: []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"ops"}`)},
	}
	batch, err := p.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	var early []*Report
	for i, req := range requests {
		later, err := p.Check(req)
		if err != nil {
			t.Fatal(err)
		}
		req.Normalize = true
		now, err := p.Check(req)
		if err != nil {
			t.Fatal(err)
		}
		inBatch, err := batch.Check(req)
		if err != nil {
			t.Fatal(err)
		}
		want, err1 := later.Normalized()
		wantNothing, err2 := later.NothingToSend()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		for _, r := range []*Report{now, inBatch} {
			got, err1 := r.Normalized()
			nothing, err2 := r.NothingToSend()
			if err1 != nil || err2 != nil || string(got) != string(want) || nothing != wantNothing {
				t.Errorf("request %d: normalized %s, nothing to send %v (%v, %v); want %s, %v", i, got, nothing, err1, err2, want, wantNothing)
			}
		}
		if i == 1 && !wantNothing {
			t.Errorf("request %d: a PATCH of no-ops should have nothing to send", i)
		}
		again, _ := p.Check(req)
		early = append(early, again)
	}
	batch.Close()
	p.Close()
	for i, r := range early {
		if _, err := r.Normalized(); err != nil {
			t.Errorf("request %d: normalized after Close: %v", i, err)
		}
	}
}
