package atlscim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The form of a shared vector (tests/vectors/README.md), checked before any case runs so that a
// misspelt key cannot switch an assertion off: the same table and rules as the Rust runners'
// (core/tests/common/mod.rs), the Python runner's and the C runner's flattener.

// vectorKeys lists every key a vector may use, by where it is: "file" is the top level of a
// vector file; a kind (or, for map files, an op) names a case; "<shape>.<member>" an object
// inside it, "[]" each element of an array. A key ending in "?" may be left out; the others are
// required. Keys of inputs (bodies, records, configs, resources) are data, not listed here.
var vectorKeys = map[string][]string{
	"file":                              {"kind?", "description", "cases"},
	"check":                             {"name", "config?", "request", "expect"},
	"check.request":                     {"method", "path", "body?", "current?"},
	"check.expect":                      {"valid", "status", "issues", "issue_order?", "issue_order_reason?", "normalized?", "details?", "omitted?", "sent_status?", "statuses?"},
	"patch":                             {"name", "config?", "resource_type", "resource", "patch", "expect"},
	"patch.expect":                      {"result?", "error?"},
	"patch.expect.error":                {"rule", "status", "scimType"},
	"diff":                              {"name", "config?", "resource_type", "current", "desired", "expect"},
	"diff.expect":                       {"messages?", "error?"},
	"diff.expect.error":                 {"rule", "status", "scimType"},
	"batch":                             {"name", "config?", "requests", "expect"},
	"batch.requests[]":                  {"method", "path", "body?", "current?"},
	"batch.expect[]":                    {"valid", "status", "issues", "issue_order?", "issue_order_reason?"},
	"response":                          {"name", "config?", "status", "body", "headers", "now", "expect"},
	"response.expect":                   {"kind", "retryable", "retryAfter", "scimType", "rule", "status?", "detail?", "traceId?", "retryAfterClamped?"},
	"map_user":                          {"name", "op?", "config?", "mapping", "record", "expect"},
	"map_user.expect":                   {"valid", "status", "issues", "issue_order?", "issue_order_reason?", "resource?", "derivation?"},
	"map_user.expect(mapping_error)":    {"mapping_error"},
	"map_group":                         {"name", "op", "config?", "record", "members?", "expect"},
	"map_group.expect":                  {"valid", "status", "issues", "issue_order?", "issue_order_reason?", "resource?", "derivation?"},
	"normalize_timezone":                {"name", "op", "input", "expect"},
	"normalize_timezone.expect":         {"canonical?", "kind?", "error?", "suggestion?"},
	"normalize_locale":                  {"name", "op", "input", "expect"},
	"normalize_locale.expect":           {"tag?", "error?", "suggestion?"},
	"parse_accept_language":             {"name", "op", "input", "expect"},
	"parse_accept_language.expect":      {"best?", "errors?"},
	"nearest_atlassian_language":        {"name", "op", "input", "expect"},
	"nearest_atlassian_language.expect": {"language"},
	"normalize_email":                   {"name", "op", "input", "expect"},
	"normalize_email.expect":            {"address?", "domain?", "error?"},
	"split_display_name":                {"name", "op", "input", "expect"},
	"split_display_name.expect":         {"given?", "family?", "prefix?", "suffix?"},
	"join_display_name":                 {"name", "op", "given", "family", "expect"},
	"join_display_name.expect":          {"display"},
	"rule":                              {"name", "rule", "expect"},
	"rule.expect":                       {"severity", "status", "scimType", "statusInferred"},
	"key_expiry":                        {"name", "config?", "expires_at?", "warn_days?", "now", "expect"},
	"key_expiry.expect":                 {"state", "days_left?"},
	// tests/vectors/sync/ (sync_vectors_test.go)
	"sync_plan":                    {"name", "config?", "options?", "desired", "current", "expect"},
	"sync_plan.expect":             {"refusal", "risks", "steps"},
	"sync_plan.expect.steps[]":     {"kind", "method", "path", "dependsOn", "body?", "rules?"},
	"sync_run":                     {"name", "config?", "options?", "exec_options?", "desired", "current", "exchanges", "outcomes"},
	"sync_run.exchanges[]":         {"now", "expect", "respond?"},
	"sync_run.exchanges[].expect":  {"kind", "step?", "method?", "path?", "headers?", "body?", "seconds?"},
	"sync_run.exchanges[].respond": {"status", "headers?", "body?"},
}

// shapeProblems lists the unknown and missing keys of v for a shape.
func shapeProblems(shape string, v any) []string {
	keys, ok := vectorKeys[shape]
	if !ok {
		return []string{shape + ": not a shape the runners know"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s must be an object, got %v", shape, v)}
	}
	var out []string
	for k := range obj {
		if !slices.Contains(keys, k) && !slices.Contains(keys, k+"?") {
			out = append(out, fmt.Sprintf("%s: unknown key %q (a misspelling?)", shape, k))
		}
	}
	for _, k := range keys {
		if _, present := obj[k]; !strings.HasSuffix(k, "?") && !present {
			out = append(out, fmt.Sprintf("%s: %s is missing", shape, k))
		}
	}
	slices.Sort(out)
	return out
}

// caseShape is a case's shape: its file's kind, or for map files its op.
func caseShape(kind string, c map[string]any) string {
	if kind != "map" {
		return kind
	}
	if op, ok := c["op"].(string); ok {
		return op
	}
	return "map_user"
}

// lintCase lists everything wrong with a case's form (not its verdict).
func lintCase(kind string, v any) []string {
	c, _ := v.(map[string]any)
	shape := kind
	if c != nil {
		shape = caseShape(kind, c)
	}
	out := shapeProblems(shape, v)
	if len(out) > 0 {
		return out
	}
	expect, _ := c["expect"].(map[string]any)
	switch shape {
	case "check":
		out = append(out, shapeProblems("check.request", c["request"])...)
		out = append(out, shapeProblems("check.expect", c["expect"])...)
		out = append(out, issueOrderProblems(expect)...)
	case "patch":
		out = append(out, shapeProblems("patch.expect", c["expect"])...)
		_, result := expect["result"]
		errorValue, isError := expect["error"]
		switch {
		case result == isError:
			out = append(out, "patch.expect: exactly one of result and error")
		case isError:
			out = append(out, shapeProblems("patch.expect.error", errorValue)...)
		}
	case "diff":
		out = append(out, shapeProblems("diff.expect", c["expect"])...)
		_, messages := expect["messages"]
		errorValue, isError := expect["error"]
		switch {
		case messages == isError:
			out = append(out, "diff.expect: exactly one of messages and error")
		case isError:
			out = append(out, shapeProblems("diff.expect.error", errorValue)...)
		}
	case "batch":
		requests, ok1 := c["requests"].([]any)
		expects, ok2 := c["expect"].([]any)
		if !ok1 || !ok2 {
			return []string{"batch: requests and expect must be arrays"}
		}
		if len(requests) != len(expects) || len(requests) == 0 {
			return []string{fmt.Sprintf("batch: %d requests but %d expectations", len(requests), len(expects))}
		}
		for _, r := range requests {
			out = append(out, shapeProblems("batch.requests[]", r)...)
		}
		for _, e := range expects {
			out = append(out, shapeProblems("batch.expect[]", e)...)
			m, _ := e.(map[string]any)
			out = append(out, issueOrderProblems(m)...)
		}
	case "response":
		out = append(out, shapeProblems("response.expect", c["expect"])...)
	case "key_expiry":
		out = append(out, shapeProblems("key_expiry.expect", c["expect"])...)
		_, config := c["config"]
		_, at := c["expires_at"]
		if config == at {
			out = append(out, "key_expiry: exactly one of config and expires_at")
		}
		if _, warn := c["warn_days"]; warn && !at {
			out = append(out, "key_expiry: warn_days without expires_at")
		}
		_, daysLeft := expect["days_left"]
		if (expect["state"] == nil) == daysLeft {
			out = append(out, "key_expiry.expect: days_left exactly when state is not null")
		}
	case "map_user", "map_group":
		if _, mappingError := expect["mapping_error"]; shape == "map_user" && mappingError {
			return append(out, shapeProblems("map_user.expect(mapping_error)", c["expect"])...)
		}
		out = append(out, shapeProblems(shape+".expect", c["expect"])...)
		out = append(out, issueOrderProblems(expect)...)
		out = append(out, derivationProblems(expect)...)
	default:
		out = append(out, shapeProblems(shape+".expect", c["expect"])...)
	}
	return out
}

// issueOrderProblems: issue_order is "any" with an issue_order_reason, on two issues or more;
// absent, the listed order is the report order.
func issueOrderProblems(expect map[string]any) []string {
	issues, _ := expect["issues"].([]any)
	reason, _ := expect["issue_order_reason"].(string)
	order, hasOrder := expect["issue_order"]
	_, hasReason := expect["issue_order_reason"]
	switch {
	case !hasOrder && hasReason:
		return []string{`issue_order_reason without "issue_order": "any"`}
	case !hasOrder:
		return nil
	case order != "any":
		return []string{fmt.Sprintf(`issue_order is %v; the only value is "any"`, order)}
	case len(issues) < 2:
		return []string{`issue_order "any" on fewer than two issues`}
	case strings.TrimSpace(reason) == "":
		return []string{`issue_order "any" needs an issue_order_reason`}
	}
	return nil
}

// derivationProblems: a mapped resource names, for each of its attributes, the preset entry, rule
// or reference row it follows; an attribute it lacks may be explained with "absent: …".
func derivationProblems(expect map[string]any) []string {
	resourceValue, hasResource := expect["resource"]
	derivationValue, hasDerivation := expect["derivation"]
	switch {
	case !hasResource && !hasDerivation:
		return nil
	case !hasDerivation:
		return []string{"a resource without its derivation"}
	case !hasResource:
		return []string{"a derivation without a resource"}
	}
	resource, ok1 := resourceValue.(map[string]any)
	derivation, ok2 := derivationValue.(map[string]any)
	if !ok1 || !ok2 {
		return []string{"resource and derivation must be objects"}
	}
	var out []string
	for k := range resource {
		if _, ok := derivation[k]; !ok {
			out = append(out, fmt.Sprintf("derivation: %s is in the resource but not derived", k))
		}
	}
	for k, v := range derivation {
		why, _ := v.(string)
		_, inResource := resource[k]
		absent := strings.HasPrefix(why, "absent:")
		switch {
		case strings.TrimSpace(why) == "":
			out = append(out, fmt.Sprintf("derivation: %s must say which rule gives it", k))
		case inResource && absent:
			out = append(out, fmt.Sprintf("derivation: %s is in the resource, not absent", k))
		case !inResource && !absent:
			out = append(out, fmt.Sprintf(`derivation: %s is not in the resource (explain an absence with "absent: …")`, k))
		}
	}
	slices.Sort(out)
	return out
}

// lintFile lists the form problems of a vector file's cases, each with the file and case named.
func lintFile(f vectorFile) []string {
	var cases []any
	if err := json.Unmarshal(f.Cases, &cases); err != nil {
		return []string{fmt.Sprintf("%s: cases: %v", f.Name, err)}
	}
	var out []string
	for _, p := range shapeProblems("file", f.raw) {
		out = append(out, f.Name+": "+p)
	}
	for _, c := range cases {
		name := ""
		if m, ok := c.(map[string]any); ok {
			name, _ = m["name"].(string)
		}
		for _, p := range lintCase(f.Kind, c) {
			out = append(out, fmt.Sprintf("%s: %q: %s", f.Name, name, p))
		}
	}
	return out
}
