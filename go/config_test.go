package atlscim

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// jsonKeys are the JSON keys a struct type's fields carry.
func jsonKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys[name] = true
	}
	return keys
}

// missing are the keys of object that have no field in keys, sorted.
func missing(object map[string]json.RawMessage, keys map[string]bool) []string {
	var out []string
	for k := range object {
		if !keys[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// The core's canonical config writes every key it takes (README "Config"), so a key added to the
// core's config table without a field here fails this test.
func TestConfigHasAFieldForEveryKey(t *testing.T) {
	p := mustProfile(t, Config{VerifiedDomains: []VerifiedDomain{{Domain: "example.com", Subdomains: true}}})
	text, err := p.ConfigJSON()
	if err != nil {
		t.Fatal(err)
	}
	var canonical map[string]json.RawMessage
	if err := json.Unmarshal(text, &canonical); err != nil {
		t.Fatal(err)
	}
	if m := missing(canonical, jsonKeys(reflect.TypeOf(Config{}))); len(m) > 0 {
		t.Errorf("Config has no field for the core's config keys %v", m)
	}
	var limits map[string]json.RawMessage
	if err := json.Unmarshal(canonical["limits"], &limits); err != nil {
		t.Fatal(err)
	}
	if m := missing(limits, jsonKeys(reflect.TypeOf(Limits{}))); len(m) > 0 {
		t.Errorf("Limits has no field for the core's limits keys %v", m)
	}
	var domains []map[string]json.RawMessage
	if err := json.Unmarshal(canonical["verified_domains"], &domains); err != nil || len(domains) != 1 {
		t.Fatalf("verified_domains %s: %v", canonical["verified_domains"], err)
	}
	if m := missing(domains[0], jsonKeys(reflect.TypeOf(VerifiedDomain{}))); len(m) > 0 {
		t.Errorf("VerifiedDomain has no field for the core's keys %v", m)
	}
}

// Every field reaches the core under the key the core reads: a Config with each field away from
// its default gives the config the same JSON text gives.
func TestEveryConfigFieldReachesTheCore(t *testing.T) {
	lenient := false
	typed := mustProfile(t, Config{
		Profile:         "rfc",
		VerifiedDomains: []VerifiedDomain{{Domain: "example.com", Subdomains: true}},
		KnownGroups:     []string{"jira-users-acme"}, ReservedGroups: []string{"admins"},
		Limits: &Limits{MaxBodyBytes: 1000, MaxDepth: 10, MaxStringBytes: 100, UsersPerDirectory: 5,
			UsersPerGroup: 6, MaxFilterLength: 7, MaxFilterDepth: 8, MaxFilterTerms: 9, MaxRetryAfter: 11,
			MaxOperations: 12, MaxPatchValues: 13, MaxIssues: 14},
		Lenient:        &lenient,
		KnownUserNames: []string{"bjensen@example.com"}, KnownEmails: []string{"babs@example.com"},
		RequireVerifiedDomain: true, DeleteSemantics: "deactivate", DirectoryUserCount: 42,
	})
	p, err := NewProfileJSON([]byte(`{"profile": "rfc",
		"verified_domains": [{"domain": "example.com", "subdomains": true}],
		"known_groups": ["jira-users-acme"], "reserved_groups": ["admins"],
		"limits": {"max_body_bytes": 1000, "max_depth": 10, "max_string_bytes": 100,
			"users_per_directory": 5, "users_per_group": 6, "max_filter_length": 7,
			"max_filter_depth": 8, "max_filter_terms": 9, "max_retry_after": 11,
			"max_operations": 12, "max_patch_values": 13, "max_issues": 14},
		"lenient": false, "known_user_names": ["bjensen@example.com"], "known_emails": ["babs@example.com"],
		"require_verified_domain": true, "delete_semantics": "deactivate", "directory_user_count": 42}`))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	a, err1 := typed.ConfigJSON()
	b, err2 := p.ConfigJSON()
	if err1 != nil || err2 != nil || !sameJSON(a, b) {
		t.Errorf("typed config %s (%v) differs from JSON config %s (%v)", a, err1, b, err2)
	}
	def, _ := mustProfile(t, Config{}).ConfigJSON()
	if sameJSON(a, def) {
		t.Errorf("the full config is the default one: %s", a)
	}
}
