package atlscim

// Config is a profile's config, the JSON every atlscim binding and the CLI take (see
// NewProfileJSON; every key is described in the README's Config table). Zero fields are left out,
// so the library's defaults apply: the zero Config is the atlassian profile, lenient, with no
// verified domains. TestConfigHasAFieldForEveryKey fails when the core has a key with no field.
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
	// KnownUserNames and KnownEmails are the userNames and emails Atlassian already has, to
	// predict its 409 answers.
	KnownUserNames []string `json:"known_user_names,omitempty"`
	KnownEmails    []string `json:"known_emails,omitempty"`
	// RequireVerifiedDomain turns on Atlassian's older rule: users whose primary email is outside
	// VerifiedDomains are refused (by default they are created as external users, a warning).
	RequireVerifiedDomain bool `json:"require_verified_domain,omitempty"`
	// DeleteSemantics is what DELETE /Users does: "unlink" (the default, current documentation)
	// or "deactivate" (older documentation).
	DeleteSemantics string `json:"delete_semantics,omitempty"`
	// DirectoryUserCount is how many users the directory already holds, for the directory limit
	// in batches.
	DirectoryUserCount uint64 `json:"directory_user_count,omitempty"`
	// BaseURL is what a request path given as a full URL must start with (ATL-A-001), "{id}"
	// standing for the directory id; empty keeps https://api.atlassian.com/scim/directory/{id}.
	BaseURL string `json:"base_url,omitempty"`
	// DirectoryID is this directory's id: a full URL naming another directory is an error.
	DirectoryID string `json:"directory_id,omitempty"`
	// KeyExpires is when the directory's SCIM API key expires: a date ("2027-05-01", midnight
	// UTC) or an xsd:dateTime; Profile.KeyExpiry reads it.
	KeyExpires string `json:"key_expires,omitempty"`
	// KeyExpiryWarningDays is how many days before KeyExpires the key expires soon (0 keeps the
	// default, 30).
	KeyExpiryWarningDays uint32 `json:"key_expiry_warning_days,omitempty"`
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
	// MaxOperations and MaxPatchValues bound a PATCH body: its operations, and the values it adds
	// or removes in one multi-valued attribute.
	MaxOperations  uint64 `json:"max_operations,omitempty"`
	MaxPatchValues uint64 `json:"max_patch_values,omitempty"`
	// MaxIssues is how many issues one report lists (at most 100,000); Report.Omitted counts the
	// rest.
	MaxIssues uint64 `json:"max_issues,omitempty"`
}
