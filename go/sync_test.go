package atlscim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/atlscim/atlscim/go/atlscimtest"
)

// fast keeps the backoff after 5xx and lost answers in hundredths of a second.
var fast = &ExecOptions{BackoffBase: 0.01, BackoffMax: 0.05, JitterSeed: 7}

func syncUser(i int, title string) map[string]any {
	name := fmt.Sprintf("user%02d@example.com", i)
	u := map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "externalId": fmt.Sprintf("e%d", i),
		"userName": name, "displayName": fmt.Sprintf("User %d", i), "active": true,
		"name":   map[string]any{"givenName": "User", "familyName": fmt.Sprint(i)},
		"emails": []any{map[string]any{"value": name, "type": "work", "primary": true}},
	}
	if title != "" {
		u["title"] = title
	}
	return u
}

func syncGroup(name string, members ...int) map[string]any {
	m := []any{}
	for _, i := range members {
		m = append(m, map[string]any{"value": fmt.Sprintf("e%d", i)})
	}
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"externalId": "g-" + name, "displayName": name, "members": m}
}

// desired is n users in three groups, as JSON.
func desired(t *testing.T, n int) []byte {
	users, even, all := []any{}, []int{}, []int{}
	for i := 0; i < n; i++ {
		title := ""
		if i%3 == 0 {
			title = "Engineer"
		}
		users = append(users, syncUser(i, title))
		all = append(all, i)
		if i%2 == 0 {
			even = append(even, i)
		}
	}
	text, err := json.Marshal(map[string]any{"Users": users,
		"Groups": []any{syncGroup("Engineering", even...), syncGroup("Sales", 1, 3), syncGroup("Everyone", all...)}})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// projection is what a directory holds in the comparator's own terms: each userName with its
// externalId, active flag and title, and each group's members by userName.
type projection struct {
	Users  map[string]string
	Groups map[string][]string
}

func project(t *testing.T, users, groups []map[string]any, memberName func(string) string) projection {
	t.Helper()
	p := projection{Users: map[string]string{}, Groups: map[string][]string{}}
	for _, u := range users {
		name := strings.ToLower(u["userName"].(string))
		if _, twice := p.Users[name]; twice {
			t.Errorf("user %s exists twice", name)
		}
		active, ok := u["active"].(bool)
		p.Users[name] = fmt.Sprintf("%v %v %v", u["externalId"], !ok || active, u["title"])
	}
	for _, g := range groups {
		members := []string{}
		list, _ := g["members"].([]any)
		for _, m := range list {
			members = append(members, memberName(m.(map[string]any)["value"].(string)))
		}
		sort.Strings(members)
		p.Groups[g["displayName"].(string)] = members
	}
	return p
}

func expected(t *testing.T, text []byte) projection {
	var d struct{ Users, Groups []map[string]any }
	if err := json.Unmarshal(text, &d); err != nil {
		t.Fatal(err)
	}
	byExt := map[string]string{}
	for _, u := range d.Users {
		byExt[u["externalId"].(string)] = strings.ToLower(u["userName"].(string))
	}
	return project(t, d.Users, d.Groups, func(ext string) string { return byExt[ext] })
}

func held(t *testing.T, srv *atlscimtest.Server) projection {
	users, err := srv.Users()
	if err != nil {
		t.Fatal(err)
	}
	groups, err := srv.Groups()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]string{}
	for _, u := range users {
		byID[u["id"].(string)] = strings.ToLower(u["userName"].(string))
	}
	return project(t, users, groups, func(id string) string { return byID[id] })
}

func planAgainst(t *testing.T, p *Profile, srv *atlscimtest.Server, want []byte, opts *PlanOptions) *Plan {
	t.Helper()
	current, err := FetchCurrent(context.Background(), nil, srv.URL, srv.Token)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := p.Plan(want, current, opts)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func assertConverged(t *testing.T, p *Profile, srv *atlscimtest.Server, want []byte) {
	t.Helper()
	if got, exp := held(t, srv), expected(t, want); !reflect.DeepEqual(got, exp) {
		t.Errorf("the directory does not match desired:\n got %v\nwant %v", got, exp)
	}
	if again := planAgainst(t, p, srv, want, nil); len(again.Steps) != 0 {
		t.Errorf("planning again gives %d steps, the first %+v", len(again.Steps), again.Steps[0])
	}
}

func atlassianProfile(t *testing.T) *Profile {
	t.Helper()
	p, err := NewProfile(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestPlanIsDeterministicAndReadsBack(t *testing.T) {
	p := atlassianProfile(t)
	want := desired(t, 3)
	a, err := p.Plan(want, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.Plan(want, []byte(`{"Users":[],"Groups":[]}`), &PlanOptions{})
	if string(a.JSON()) != string(b.JSON()) {
		t.Error("the same inputs gave different plans")
	}
	if a.Steps[0].Kind != "create_group" || a.Steps[0].Path != "/Groups" || a.Summary.UserCreates != 3 {
		t.Errorf("unexpected plan: %+v", a.Steps[0])
	}
	last := a.Steps[len(a.Steps)-1]
	if last.Kind != "update_members" || !strings.HasPrefix(last.Path, "/Groups/${s") || len(last.DependsOn) == 0 {
		t.Errorf("the membership steps should name created groups symbolically: %+v", last)
	}
	back, err := PlanFromJSON(a.JSON())
	if err != nil || string(back.JSON()) != string(a.JSON()) || !reflect.DeepEqual(back.Steps, a.Steps) {
		t.Errorf("a saved plan did not read back: %v", err)
	}
}

func TestASavedPlanIsCheckedForDrift(t *testing.T) {
	p := atlassianProfile(t)
	one, two := syncUser(1, ""), syncUser(2, "")
	one["id"], two["id"] = "id1", "id2"
	current, _ := json.Marshal(map[string]any{"Users": []any{one}})
	want, _ := json.Marshal(map[string]any{"Users": []any{syncUser(1, "Engineer"), syncUser(2, "")}})
	plan, err := p.Plan(want, current, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lines, err := plan.Drift(current); err != nil || len(lines) != 0 {
		t.Errorf("against the export it was made from, no drift: %q %v", lines, err)
	}
	// Since: user 1 deleted, user 2 created by someone else.
	later, _ := json.Marshal(map[string]any{"Users": []any{two}})
	lines, err := plan.Drift(later)
	wantLines := []string{`s1: user id1 is gone`, `s2: the userName "user02@example.com" is taken now`}
	if err != nil || !reflect.DeepEqual(lines, wantLines) {
		t.Errorf("drift %q %v, want %q", lines, err, wantLines)
	}
	var e *Error
	if _, err := plan.Drift([]byte(`[1]`)); !errors.As(err, &e) || e.Status != StatusInvalidSyncInput {
		t.Errorf("an unreadable export: %v", err)
	}
}

func TestSyncInputErrorsSayWhich(t *testing.T) {
	p := atlassianProfile(t)
	var e *Error
	_, err := p.Plan([]byte(`[1]`), nil, nil)
	if !errors.Is(err, StatusInvalidSyncInput) || !errors.As(err, &e) || e.Reason != "input" {
		t.Errorf("desired that is not resources: %v", err)
	}
	_, err = PlanFromJSON([]byte(`{"format": 2}`))
	if !errors.As(err, &e) || e.Status != StatusInvalidSyncInput || e.Reason != "format" {
		t.Errorf("a plan of another format: %v", err)
	}
	// 30 users, 2 left in the identity provider: too many deactivations.
	current := []any{}
	for i := 0; i < 30; i++ {
		u := syncUser(i, "")
		u["id"] = fmt.Sprintf("id%d", i)
		current = append(current, u)
	}
	cur, _ := json.Marshal(map[string]any{"Users": current})
	two, _ := json.Marshal(map[string]any{"Users": current[:2]})
	plan, err := p.Plan(two, cur, &PlanOptions{Gone: "delete"})
	if err != nil || plan.Refusal == nil {
		t.Fatalf("the guard rail should refuse: %v %+v", err, plan)
	}
	for _, s := range plan.Steps {
		if s.Kind == "delete_user" {
			t.Errorf("a truncated listing deletes nothing: %+v", s)
		}
	}
	_, err = Sync(context.Background(), plan, nil, SyncConfig{BaseURL: "http://127.0.0.1:1"})
	if !errors.As(err, &e) || e.Status != StatusPlanRefused || e.Reason != plan.Refusal.Guard {
		t.Errorf("Sync of a refused plan: %v", err)
	}
	allowed, err := p.Plan(two, cur, &PlanOptions{AllowRemovals: true})
	if err != nil || allowed.Refusal != nil || allowed.Summary.Deactivations != 28 {
		t.Errorf("allowed: %v %+v", err, allowed.Summary)
	}
}

func TestExecutorAdoptsACreateWhoseAnswerWasLost(t *testing.T) {
	u, _ := json.Marshal(map[string]any{"Users": []any{syncUser(1, "")}})
	plan, err := atlassianProfile(t).Plan(u, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := NewExecutor(plan, fast, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	at := time.Unix(1000, 0)
	a, _ := ex.Next(at)
	if a.Kind != ActionSend || a.Method != "POST" || a.Path != "/Users" || !a.HasBody || a.Header.Get("Authorization") != "" {
		t.Fatalf("first action: %+v", a)
	}
	if err := ex.Feed(0, nil, nil, at); err != nil { // no answer
		t.Fatal(err)
	}
	a, _ = ex.Next(at)
	if a.Kind != ActionWait || a.Wait <= 0 || a.Wait > 10*time.Millisecond {
		t.Errorf("a backoff of at most backoff_base: %+v", a)
	}
	at = at.Add(time.Second)
	if a, _ = ex.Next(at); a.Method != "POST" {
		t.Fatalf("the create is sent again: %+v", a)
	}
	ex.Feed(409, http.Header{"Content-Type": {"application/scim+json"}}, []byte(`{"status":"409","scimType":"uniqueness"}`), at)
	if a, _ = ex.Next(at); a.Method != "GET" || !strings.HasPrefix(a.Path, "/Users?filter=userName") {
		t.Fatalf("a 409 after a retry is looked up: %+v", a)
	}
	ex.Feed(200, nil, []byte(`{"Resources":[{"id":"u-1","externalId":"e1","userName":"user01@example.com"}]}`), at)
	if a, _ = ex.Next(at); a.Kind != ActionDone {
		t.Errorf("done: %+v", a)
	}
	if counts, _ := ex.Outcomes(); !reflect.DeepEqual(counts, map[string]int{"adopted": 1}) {
		t.Errorf("outcomes: %v", counts)
	}
	var e *Error
	if err := ex.Feed(200, nil, nil, at); !errors.As(err, &e) || e.Status != StatusNothingOutstanding {
		t.Errorf("a stray answer: %v", err)
	}
	other, _ := atlassianProfile(t).Plan([]byte(`{"Users":[]}`), nil, nil)
	state, _ := ex.State()
	if _, err := NewExecutor(other, nil, state); !errors.As(err, &e) || e.Reason != "state" {
		t.Errorf("a state for another plan: %v", err)
	}
	ex.Close()
	if _, err := ex.Next(at); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestSyncConvergesUnderFaults(t *testing.T) {
	srv := atlscimtest.NewServer(t, atlscimtest.Config{})
	p := atlassianProfile(t)
	want := desired(t, 12)
	plan := planAgainst(t, p, srv, want, nil)
	// Every fault rule counts every request it matches, so each starts where the one before ends.
	if err := srv.SetFaults("429=1,times=2;503,after=2,times=2;lost,method=POST,path=/Users,times=2;latency=2"); err != nil {
		t.Fatal(err)
	}
	var states, progress int
	res, err := Sync(context.Background(), plan, nil, SyncConfig{BaseURL: srv.URL, Token: srv.Token, Options: fast,
		OnState: func(state []byte) error {
			states++
			if strings.Contains(string(state), srv.Token) {
				t.Error("the state holds the token")
			}
			return nil
		},
		OnProgress: func(p Progress) { progress = p.Finished },
	})
	if err != nil || !res.OK() {
		t.Fatalf("sync: %v %+v", err, res)
	}
	if res.Outcomes["adopted"] < 1 || progress != len(plan.Steps) || states < res.Requests {
		t.Errorf("outcomes %v, progress %d of %d, %d states for %d requests", res.Outcomes, progress, len(plan.Steps), states, res.Requests)
	}
	log, _ := srv.Requests()
	seen := map[float64]bool{}
	for _, r := range log {
		seen[r["status"].(float64)] = true
	}
	if !seen[429] || !seen[503] {
		t.Errorf("the faults did not fire: %v", seen)
	}
	srv.SetFaults("")
	assertConverged(t, p, srv, want)
	// A second run sends nothing.
	again := planAgainst(t, p, srv, want, nil)
	res, err = Sync(context.Background(), again, nil, SyncConfig{BaseURL: srv.URL, Token: srv.Token})
	if err != nil || res.Requests != 0 || !res.OK() {
		t.Errorf("second run: %v %+v", err, res)
	}
}

func TestSyncHonoursCancellationAndResumes(t *testing.T) {
	srv := atlscimtest.NewServer(t, atlscimtest.Config{Faults: "latency=150"})
	p := atlassianProfile(t)
	want := desired(t, 4)
	plan, err := p.Plan(want, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	started := time.Now()
	res, err := Sync(ctx, plan, nil, SyncConfig{BaseURL: srv.URL, Token: srv.Token, Options: fast})
	if !errors.Is(err, context.DeadlineExceeded) || res == nil || res.State == nil {
		t.Fatalf("a cancelled run returns the context's error and its state: %v %+v", err, res)
	}
	if elapsed := time.Since(started); elapsed > 2*time.Second {
		t.Errorf("cancellation took %v", elapsed)
	}
	if res.Outcomes["pending"] == 0 {
		t.Errorf("the run should have stopped part way: %v", res.Outcomes)
	}
	srv.SetFaults("")
	res, err = Sync(context.Background(), plan, nil, SyncConfig{BaseURL: srv.URL, Token: srv.Token, Options: fast, State: res.State})
	if err != nil || !res.OK() {
		t.Fatalf("resumed: %v %+v", err, res)
	}
	assertConverged(t, p, srv, want)
}

func TestSyncStopsOnARefusedKey(t *testing.T) {
	srv := atlscimtest.NewServer(t, atlscimtest.Config{Faults: "expired=403,after=2"})
	plan, err := atlassianProfile(t).Plan(desired(t, 3), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Sync(context.Background(), plan, &http.Client{Timeout: 10 * time.Second},
		SyncConfig{BaseURL: srv.URL, Token: srv.Token, Options: fast})
	if err != nil || res.OK() || !strings.Contains(res.Stopped, "403") {
		t.Fatalf("%v %+v", err, res)
	}
	if res.Outcomes["applied"] != 2 || res.Outcomes["not_run"] != len(plan.Steps)-2 || res.Requests != 3 {
		t.Errorf("outcomes %v after %d requests", res.Outcomes, res.Requests)
	}
}
