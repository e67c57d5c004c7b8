package atlscim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// The shared vectors of every kind past check (tests/vectors/README.md): each reaches the
// verdict its vector states, as in the Rust, C and Python runs.

// profileFor builds a case's profile: its config, or the atlassian profile's defaults.
func profileFor(t *testing.T, config json.RawMessage) *Profile {
	t.Helper()
	var p *Profile
	var err error
	if isNull(config) {
		p, err = NewProfile(Config{})
	} else {
		p, err = NewProfileJSON(config)
	}
	if err != nil {
		t.Fatalf("config %s: %v", config, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func resourceType(name string) ResourceType {
	if name == "Group" {
		return Group
	}
	return User
}

// refusal is an expected error: the rule, HTTP status and scimType (patch and diff cases).
type refusal struct {
	Rule     string  `json:"rule"`
	Status   int     `json:"status"`
	ScimType *string `json:"scimType"`
}

// refusalProblem says how err differs from the expected refusal; "" when it is that refusal.
func refusalProblem(err error, want *refusal) string {
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusPatchRefused {
		return fmt.Sprintf("%v, want a refusal", err)
	}
	if e.Rule != want.Rule || e.HTTPStatus != want.Status || e.ScimType != valueOf(want.ScimType) {
		return fmt.Sprintf("refused with %s %d %q, want %s %d %q", e.Rule, e.HTTPStatus, e.ScimType,
			want.Rule, want.Status, valueOf(want.ScimType))
	}
	return ""
}

type patchCase struct {
	Name         string          `json:"name"`
	Config       json.RawMessage `json:"config"`
	ResourceType string          `json:"resource_type"`
	Resource     json.RawMessage `json:"resource"`
	Patch        json.RawMessage `json:"patch"`
	Expect       struct {
		Result json.RawMessage `json:"result"`
		Error  *refusal        `json:"error"`
	} `json:"expect"`
}

func TestPatchVectors(t *testing.T) {
	cases := loadCases[patchCase](t, "patch")
	for _, c := range cases {
		p := profileFor(t, c.Config)
		got, err := p.ApplyPatch(c.Resource, c.Patch, resourceType(c.ResourceType))
		switch want := c.Expect.Error; {
		case want == nil && err != nil:
			t.Errorf("%s: failed: %v", c.Name, err)
		case want == nil && !sameJSON(got, c.Expect.Result):
			t.Errorf("%s\n    got  %s\n    want %s", c.Name, got, c.Expect.Result)
		case want != nil:
			if problem := refusalProblem(err, want); problem != "" {
				t.Errorf("%s: got %s: %s", c.Name, got, problem)
			}
		}
	}
	t.Logf("shared vectors (Go): %d patch cases run", len(cases))
}

type diffCase struct {
	Name         string          `json:"name"`
	Config       json.RawMessage `json:"config"`
	ResourceType string          `json:"resource_type"`
	Current      json.RawMessage `json:"current"`
	Desired      json.RawMessage `json:"desired"`
	Expect       struct {
		Messages []json.RawMessage `json:"messages"`
		Error    *refusal          `json:"error"`
	} `json:"expect"`
}

// generatedLists writes out the $generate lists a diff case may hold (tests/vectors/README.md
// "Generated lists").
func generatedLists(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if kind, ok := v["$generate"]; ok {
			var out []any
			for i := int(v["from"].(float64)); i < int(v["to"].(float64)); i++ {
				id := fmt.Sprintf("user-%06d", i)
				switch kind {
				case "members":
					out = append(out, map[string]any{"value": id})
				case "member_removes":
					out = append(out, map[string]any{"op": "remove", "path": fmt.Sprintf("members[value eq %q]", id)})
				default:
					panic(fmt.Sprintf("unknown $generate %v", kind))
				}
			}
			return out
		}
		for k, x := range v {
			v[k] = generatedLists(x)
		}
	case []any:
		for i, x := range v {
			v[i] = generatedLists(x)
		}
	}
	return v
}

func TestDiffVectors(t *testing.T) {
	var raw []json.RawMessage
	for _, c := range loadCases[json.RawMessage](t, "diff") {
		var v any
		if !bytes.Contains(c, []byte(`"$generate"`)) {
			raw = append(raw, c)
			continue
		}
		if err := json.Unmarshal(c, &v); err != nil {
			t.Fatal(err)
		}
		text, err := json.Marshal(generatedLists(v))
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, text)
	}
	for _, text := range raw {
		var c diffCase
		if err := json.Unmarshal(text, &c); err != nil {
			t.Fatal(err)
		}
		p := profileFor(t, c.Config)
		kind := resourceType(c.ResourceType)
		messages, err := p.Diff(c.Current, c.Desired, kind)
		if c.Expect.Error != nil {
			// No PATCH gives desired (a group rename, ATL-G-002): diff refuses.
			if problem := refusalProblem(err, c.Expect.Error); problem != "" || messages != nil {
				t.Errorf("%s: gave %d messages: %s", c.Name, len(messages), problem)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if c.Expect.Messages == nil {
			t.Errorf("%s: no expect.messages", c.Name)
			continue
		}
		got, _ := json.Marshal(append([]json.RawMessage{}, messages...))
		want, _ := json.Marshal(c.Expect.Messages)
		if len(messages) != len(c.Expect.Messages) || !sameJSON(got, want) {
			t.Errorf("%s\n    got  %s\n    want %s", c.Name, got, want)
			continue
		}
		// Applied in turn, the messages turn current into desired.
		state := c.Current
		for _, m := range messages {
			if state, err = p.ApplyPatch(state, m, kind); err != nil {
				t.Errorf("%s: apply(current, %s): %v", c.Name, m, err)
				break
			}
		}
		if err == nil && len(messages) > 0 && !sameJSON(state, c.Desired) {
			t.Errorf("%s: the messages applied in turn give %s", c.Name, state)
		}
	}
	t.Logf("shared vectors (Go): %d diff cases run", len(raw))
}

type batchCase struct {
	Name     string          `json:"name"`
	Config   json.RawMessage `json:"config"`
	Requests []struct {
		Method  string          `json:"method"`
		Path    string          `json:"path"`
		Body    json.RawMessage `json:"body"`
		Current json.RawMessage `json:"current"`
	} `json:"requests"`
	Expect []verdict `json:"expect"`
}

func TestBatchVectors(t *testing.T) {
	cases := loadCases[batchCase](t, "batch")
	requests := 0
	for _, c := range cases {
		if len(c.Requests) != len(c.Expect) {
			t.Fatalf("%s: %d requests, %d expectations", c.Name, len(c.Requests), len(c.Expect))
		}
		b, err := profileFor(t, c.Config).NewBatch()
		if err != nil {
			t.Fatal(err)
		}
		for i, req := range c.Requests {
			r := Request{Method: req.Method, Path: req.Path}
			if !isNull(req.Body) {
				r.Body = req.Body
			}
			if !isNull(req.Current) {
				r.Current = req.Current
			}
			report, err := b.Check(r)
			if err != nil {
				t.Errorf("%s #%d: %v", c.Name, i, err)
				continue
			}
			requests++
			for _, d := range c.Expect[i].differences(report) {
				t.Errorf("%s #%d: %s", c.Name, i, d)
			}
		}
		// The summary counts what the expectations say: requests, valid, invalid, issues by rule.
		want := BatchSummary{Requests: len(c.Expect), ByRule: map[string]int{}}
		for _, e := range c.Expect {
			if e.Valid {
				want.Valid++
			}
			for _, is := range e.Issues {
				want.ByRule[is[1]]++
			}
		}
		want.Invalid = want.Requests - want.Valid
		if s, err := b.Summary(); err != nil || !reflect.DeepEqual(s, want) {
			t.Errorf("%s: summary %+v (%v), want %+v", c.Name, s, err, want)
		}
		b.Close()
	}
	t.Logf("shared vectors (Go): %d batch cases run (%d requests)", len(cases), requests)
}

type responseCase struct {
	Name    string                     `json:"name"`
	Config  json.RawMessage            `json:"config"`
	Status  int                        `json:"status"`
	Body    json.RawMessage            `json:"body"`
	Headers [][2]string                `json:"headers"`
	Now     float64                    `json:"now"`
	Expect  map[string]json.RawMessage `json:"expect"`
}

func TestResponseVectors(t *testing.T) {
	cases := loadCases[responseCase](t, "response")
	for _, c := range cases {
		body := []byte(c.Body)
		if len(c.Body) > 0 && c.Body[0] == '"' {
			var text string
			if err := json.Unmarshal(c.Body, &text); err != nil {
				t.Fatal(err)
			}
			body = []byte(text) // a string body is the raw text
		}
		header := http.Header{}
		for _, h := range c.Headers {
			header.Add(h[0], h[1])
		}
		now := time.Unix(0, int64(c.Now*1e9))
		var r *Response
		var err error
		if isNull(c.Config) {
			r, err = ClassifyResponse(c.Status, body, header, now)
		} else {
			// The profile's limits.max_retry_after caps the wait.
			r, err = profileFor(t, c.Config).ClassifyResponse(c.Status, body, header, now)
		}
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		// The Response in the library's JSON terms, null for what is absent.
		var retryAfter any
		if r.HasRetryAfter {
			retryAfter = r.RetryAfter.Seconds()
		}
		got := map[string]any{
			"status":            float64(r.Status),
			"kind":              string(r.Kind),
			"retryable":         r.Retryable,
			"retryAfter":        retryAfter,
			"retryAfterClamped": r.RetryAfterClamped,
			"scimType":          nullable(r.ScimType),
			"detail":            nullable(r.Detail),
			"traceId":           nullable(r.TraceID),
			"rule":              nullable(r.Rule),
		}
		for key, raw := range c.Expect {
			var want any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[key], want) {
				t.Errorf("%s: %s is %v, want %v", c.Name, key, got[key], want)
			}
		}
	}
	t.Logf("shared vectors (Go): %d response cases run", len(cases))
}

type mapCase struct {
	Name    string          `json:"name"`
	Op      string          `json:"op"`
	Config  json.RawMessage `json:"config"`
	Mapping json.RawMessage `json:"mapping"`
	Record  json.RawMessage `json:"record"`
	Members json.RawMessage `json:"members"`
	Input   string          `json:"input"`
	Given   string          `json:"given"`
	Family  string          `json:"family"`
	Expect  json.RawMessage `json:"expect"`
}

// mapExpect is what a map_user or map_group case expects.
type mapExpect struct {
	verdict
	Resource     json.RawMessage `json:"resource"`
	MappingError *string         `json:"mapping_error"`
}

func TestMapVectors(t *testing.T) {
	cases := loadCases[mapCase](t, "map")
	ran := map[string]int{}
	for _, c := range cases {
		op := c.Op
		if op == "" {
			op = "map_user"
		}
		var diffs []string
		switch op {
		case "map_user", "map_group":
			diffs = mapDifferences(t, &c, op)
		default:
			got, err := normalizerResult(&c, op)
			if err != nil {
				diffs = []string{err.Error()}
			} else {
				diffs = expectedKeys(c.Expect, got)
			}
		}
		ran[op]++
		for _, d := range diffs {
			t.Errorf("%s: %s", c.Name, d)
		}
	}
	t.Logf("shared vectors (Go): %d map cases run %v", len(cases), ran)
}

// mapDifferences runs a map_user or map_group case; it returns what differs.
func mapDifferences(t *testing.T, c *mapCase, op string) []string {
	var want mapExpect
	if err := json.Unmarshal(c.Expect, &want); err != nil {
		t.Fatal(err)
	}
	p := profileFor(t, c.Config)
	var resource json.RawMessage
	var report *Report
	var err error
	if op == "map_group" {
		var members []byte
		if !isNull(c.Members) {
			members = c.Members
		}
		resource, report, err = p.MapGroup(c.Record, members)
	} else {
		mapping := string(c.Mapping)
		if c.Mapping[0] == '"' {
			if err := json.Unmarshal(c.Mapping, &mapping); err != nil {
				t.Fatal(err)
			}
		}
		resource, report, err = p.MapUser(c.Record, mapping)
	}
	if want.MappingError != nil {
		var e *Error
		if !errors.As(err, &e) || e.Status != StatusInvalidMapping || e.Key != *want.MappingError {
			return []string{fmt.Sprintf("got %v, want a mapping error at %q", err, *want.MappingError)}
		}
		return nil
	}
	if err != nil {
		return []string{err.Error()}
	}
	diffs := want.differences(report)
	if want.Resource != nil && !sameJSON(resource, want.Resource) {
		diffs = append(diffs, fmt.Sprintf("resource\n    got  %s\n    want %s", resource, want.Resource))
	}
	// The report's body to send is the resource, and its JSON the library's.
	if normalized, err := report.Normalized(); err != nil || !sameJSON(normalized, resource) {
		diffs = append(diffs, fmt.Sprintf("normalized %s (%v) is not the resource", normalized, err))
	}
	return diffs
}

// normalizerResult runs a normalizer case, and returns its outcome as the vectors write it: the
// result's fields, or {"error": reason, "suggestion": …} for a refusal.
func normalizerResult(c *mapCase, op string) (map[string]any, error) {
	var result any
	var err error
	switch op {
	case "normalize_timezone":
		result, err = NormalizeTimezone(c.Input)
	case "normalize_locale":
		result, err = NormalizeLocale(c.Input)
	case "normalize_email":
		result, err = NormalizeEmail(c.Input)
	case "split_display_name":
		var n NameParts
		n, err = SplitDisplayName(c.Input)
		result = map[string]any{"given": n.Given, "family": n.Family, "prefix": nullable(n.Prefix), "suffix": nullable(n.Suffix)}
	case "parse_accept_language":
		var list AcceptLanguage
		list, err = ParseAcceptLanguage(c.Input)
		var best any
		if list.Best != nil {
			best = list.Best.Tag
		}
		indexes := []any{}
		for _, e := range list.Errors {
			indexes = append(indexes, float64(e.Index))
		}
		result = map[string]any{"best": best, "errors": indexes}
	case "nearest_atlassian_language":
		var language string
		language, err = NearestAtlassianLanguage(c.Input)
		// A tag that is not one has no Atlassian language either.
		if errors.Is(err, StatusNotNormalizable) {
			err = nil
		}
		result = map[string]any{"language": nullable(language)}
	case "join_display_name":
		var display string
		display, err = JoinDisplayName(c.Given, c.Family)
		result = map[string]any{"display": display}
	default:
		return nil, fmt.Errorf("unknown op %q", op)
	}
	var e *Error
	if errors.As(err, &e) && e.Status == StatusNotNormalizable {
		return map[string]any{"error": e.Reason, "suggestion": nullable(e.Suggestion)}, nil
	}
	if err != nil {
		return nil, err
	}
	// Through JSON, so that structs and maps compare alike.
	text, err := json.Marshal(result)
	if err != nil {
		return nil, err
	}
	var got map[string]any
	return got, json.Unmarshal(text, &got)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// expectedKeys compares each key of `expect` with `got` (an absent key is null).
func expectedKeys(expect json.RawMessage, got map[string]any) []string {
	var want map[string]any
	if err := json.Unmarshal(expect, &want); err != nil {
		return []string{err.Error()}
	}
	var diffs []string
	for key, w := range want {
		if !reflect.DeepEqual(got[key], w) {
			diffs = append(diffs, fmt.Sprintf("%s is %v, want %v", key, got[key], w))
		}
	}
	return diffs
}
