package atlscim

// Config is a profile's config, the JSON every atlscim binding and the CLI take (see
// NewProfileJSON). Zero fields are left out, so the library's defaults apply: the zero Config is
// the atlassian profile, lenient, with no verified domains.
type Config struct {
	// Profile is "atlassian" (the default: RFC 7643/7644 plus Atlassian's rules) or "rfc".
	Profile string `json:"profile,omitempty"`
	// VerifiedDomains are the domains whose accounts the organization manages.
	VerifiedDomains []VerifiedDomain `json:"verified_domains,omitempty"`
	// KnownGroups and ReservedGroups are the config's known_groups and reserved_groups lists
	// of group names.
	KnownGroups    []string `json:"known_groups,omitempty"`
	ReservedGroups []string `json:"reserved_groups,omitempty"`
	// Limits overrides the limits on input size and Atlassian's capacities.
	Limits *Limits `json:"limits,omitempty"`
	// Lenient set to false turns the lenient fixes off: what they would fix in the normalized
	// body is reported instead (the default is true).
	Lenient *bool `json:"lenient,omitempty"`
}

// VerifiedDomain is a verified domain; Subdomains makes its subdomains count as verified too.
type VerifiedDomain struct {
	Domain     string `json:"domain"`
	Subdomains bool   `json:"subdomains,omitempty"`
}

// Limits are explicit limits; a zero field keeps the library's default.
type Limits struct {
	MaxBodyBytes      uint64 `json:"max_body_bytes,omitempty"`
	MaxDepth          uint64 `json:"max_depth,omitempty"`
	MaxStringBytes    uint64 `json:"max_string_bytes,omitempty"`
	UsersPerDirectory uint64 `json:"users_per_directory,omitempty"`
	UsersPerGroup     uint64 `json:"users_per_group,omitempty"`
	MaxFilterLength   uint64 `json:"max_filter_length,omitempty"`
	// MaxFilterDepth is at most 64 and MaxDepth at most 100: deeper input would not fit a small
	// stack. A larger value is a StatusInvalidConfig error naming the key.
	MaxFilterDepth uint64 `json:"max_filter_depth,omitempty"`
	MaxFilterTerms uint64 `json:"max_filter_terms,omitempty"`
	// MaxRetryAfter is the longest wait ClassifyResponse advises, in seconds (default one day,
	// at most 365 days).
	MaxRetryAfter uint64 `json:"max_retry_after,omitempty"`
}
