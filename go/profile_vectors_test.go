package atlscim

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// The shared "rule" and "key_expiry" vectors (tests/vectors/README.md): a rule's metadata as
// RulesJSON gives it, and where a SCIM API key stands (Profile.KeyExpiry and the function
// KeyExpiry).

type ruleCase struct {
	Name   string                     `json:"name"`
	Rule   string                     `json:"rule"`
	Expect map[string]json.RawMessage `json:"expect"`
}

func TestRuleVectors(t *testing.T) {
	cases := loadCases[ruleCase](t, "rule")
	data, err := RulesJSON()
	if err != nil {
		t.Fatal(err)
	}
	var rules []map[string]any
	if err := json.Unmarshal(data, &rules); err != nil {
		t.Fatal(err)
	}
	byID := map[string]map[string]any{}
	for _, r := range rules {
		byID[r["id"].(string)] = r
	}
	for _, c := range cases {
		got, ok := byID[c.Rule]
		if !ok {
			t.Errorf("%s: no rule %s in RulesJSON", c.Name, c.Rule)
			continue
		}
		// Every key the vector gives (the form check requires them all) is compared.
		for key, raw := range c.Expect {
			var want any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if value, present := got[key]; !present || !reflect.DeepEqual(value, want) {
				t.Errorf("%s: %s is %v, want %v", c.Name, key, value, want)
			}
		}
	}
	t.Logf("shared vectors (Go): %d rule cases run", len(cases))
}

type keyExpiryCase struct {
	Name      string          `json:"name"`
	Config    json.RawMessage `json:"config"`
	ExpiresAt *int64          `json:"expires_at"`
	WarnDays  *int            `json:"warn_days"`
	Now       int64           `json:"now"`
	Expect    struct {
		State    *string `json:"state"`
		DaysLeft *int64  `json:"days_left"`
	} `json:"expect"`
}

func TestKeyExpiryVectors(t *testing.T) {
	cases := loadCases[keyExpiryCase](t, "key_expiry")
	for _, c := range cases {
		now := time.Unix(c.Now, 0)
		var state KeyState
		var left int64
		ok := true
		// The form check has made sure the case gives exactly one of config and expires_at.
		if c.ExpiresAt != nil {
			warn := 30
			if c.WarnDays != nil {
				warn = *c.WarnDays
			}
			state, left = KeyExpiry(time.Unix(*c.ExpiresAt, 0), now, warn)
		} else {
			state, left, ok = profileFor(t, c.Config).KeyExpiry(now)
		}
		switch {
		case c.Expect.State == nil && ok:
			t.Errorf("%s: got %s %d, want no expiry (state null)", c.Name, state, left)
		case c.Expect.State == nil:
		case !ok:
			t.Errorf("%s: got no expiry, want %s", c.Name, *c.Expect.State)
		case c.Expect.DaysLeft == nil:
			t.Errorf("%s: got %s %d, want %s without days_left", c.Name, state, left, *c.Expect.State)
		case string(state) != *c.Expect.State || left != *c.Expect.DaysLeft:
			t.Errorf("%s: got %s %d, want %s %d", c.Name, state, left, *c.Expect.State, *c.Expect.DaysLeft)
		}
	}
	t.Logf("shared vectors (Go): %d key_expiry cases run", len(cases))
}
