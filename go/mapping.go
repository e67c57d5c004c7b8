package atlscim

/*
#include "check.h"

#cgo noescape go_map_user
#cgo nocallback go_map_user
#cgo noescape go_map_group
#cgo nocallback go_map_group
#cgo noescape atlscim_bytes_free
#cgo nocallback atlscim_bytes_free

static atlscim_status go_normalize(atlscim_normalizer normalizer, _GoString_ input, atlscim_bytes *out,
                                   atlscim_error **err) {
	return atlscim_normalize(normalizer, _GoStringPtr(input), _GoStringLen(input), out, err);
}

static atlscim_status go_join(_GoString_ given, _GoString_ family, atlscim_bytes *out, atlscim_error **err) {
	return atlscim_display_name_join(_GoStringPtr(given), _GoStringLen(given), _GoStringPtr(family),
	                                 _GoStringLen(family), out, err);
}
*/
import "C"

import (
	"encoding/json"
)

// MapUser maps an identity-provider record (JSON text: a Microsoft Graph user, an Okta user, a
// row of an export) to the SCIM User to send, and checks that user as a POST /Users.
//
// mapping is a preset name ("entra", "okta", "generic"; case is ignored) or, when it starts with
// "{", a mapping as JSON text (the format every atlscim binding shares).
//
// It returns the user and a report on it: the mapping's own findings, then the check of the user
// as Atlassian would receive it; the report's Normalized is the user. A user Atlassian would
// refuse is not an error: the report says it is invalid. A mapping that cannot be loaded gives an
// *Error with StatusInvalidMapping whose Key names the entry at fault; a record that is not JSON
// gives StatusInvalidJSON.
func (p *Profile) MapUser(record []byte, mapping string) (json.RawMessage, *Report, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, nil, ErrClosed
	}
	var r C.go_result
	var user C.atlscim_bytes
	var issueRoom [16]C.go_issue
	var textRoom [2048]C.char
	status := C.go_map_user(p.handle, mapping, cBytes(record), C.size_t(len(record)), &user, &r,
		&issueRoom[0], C.size_t(len(issueRoom)), &textRoom[0], C.size_t(len(textRoom)))
	if status != C.ATLSCIM_STATUS_OK {
		return nil, nil, takeError(status, r.err)
	}
	return mapped(&user, &r, issueRoom[:], textRoom[:])
}

// MapGroup maps an identity-provider group (JSON text: a Microsoft Graph or Okta group) to the
// SCIM Group to send, its membership flattened to users (Atlassian has no nested groups), and
// checks that group as a POST /Groups. members is the membership as JSON text (user objects, user
// ids as strings, nested groups with their own "members"), or nil to use the record's own.
//
// It returns the group and the report on it, as MapUser does.
func (p *Profile) MapGroup(record, members []byte) (json.RawMessage, *Report, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, nil, ErrClosed
	}
	var r C.go_result
	var group C.atlscim_bytes
	var issueRoom [16]C.go_issue
	var textRoom [2048]C.char
	status := C.go_map_group(p.handle, cBytes(record), C.size_t(len(record)), cBytes(members), C.size_t(len(members)),
		&group, &r, &issueRoom[0], C.size_t(len(issueRoom)), &textRoom[0], C.size_t(len(textRoom)))
	if status != C.ATLSCIM_STATUS_OK {
		return nil, nil, takeError(status, r.err)
	}
	return mapped(&group, &r, issueRoom[:], textRoom[:])
}

// mapped makes the resource and report of a mapping: the report's body to send is the resource.
func mapped(resource *C.atlscim_bytes, r *C.go_result, issueRoom []C.go_issue, textRoom []C.char) (json.RawMessage, *Report, error) {
	defer C.atlscim_bytes_free(resource)
	copied, err := copyOutput(resource.data, resource.len)
	if err != nil {
		return nil, nil, err
	}
	out := json.RawMessage(copied)
	report := reportFrom(r, issueRoom, textRoom)
	report.body = out
	return out, report, nil
}

// normalize runs one of the library's normalizers and returns its JSON.
func normalize(normalizer C.atlscim_normalizer, input string) ([]byte, error) {
	return takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.go_normalize(normalizer, input, out, cerr)
	})
}

// normalizeInto runs a normalizer and reads its JSON into v.
func normalizeInto(normalizer C.atlscim_normalizer, input string, v any) error {
	text, err := normalize(normalizer, input)
	if err == nil {
		err = json.Unmarshal(text, v)
	}
	return err
}

// Timezone is a recognized time zone.
type Timezone struct {
	// Name is the name as recognized, in its proper case ("Asia/Calcutta", "Pacific Standard Time").
	Name string `json:"name"`
	// Canonical is the CLDR canonical IANA name: what to send ("Asia/Kolkata").
	Canonical string `json:"canonical"`
	// Kind is "iana", "iana_alias" or "windows".
	Kind string `json:"kind"`
}

// NormalizeTimezone reads a time zone: IANA names in any case, legacy links ("US/Pacific") and
// Windows ids ("Pacific Standard Time"). Abbreviations ("PST") and offsets ("UTC-8") give an
// *Error with StatusNotNormalizable whose Reason says why and Suggestion, where one can be told,
// what to send instead.
func NormalizeTimezone(value string) (Timezone, error) {
	var tz Timezone
	err := normalizeInto(C.ATLSCIM_NORMALIZER_TIMEZONE, value, &tz)
	return tz, err
}

// LanguageTag is a BCP 47 language tag in canonical form.
type LanguageTag struct {
	// Tag is the whole tag ("en-US", "he", "sr-Latn").
	Tag      string `json:"tag"`
	Language string `json:"language"`
	// Script and Region are empty when the tag has none.
	Script string `json:"script"`
	Region string `json:"region"`
}

// NormalizeLocale reads a language tag into canonical form ("en_us" is "en-US", "iw" is "he").
// A value that is not one gives an *Error with StatusNotNormalizable ("empty", "malformed",
// "no_language").
func NormalizeLocale(value string) (LanguageTag, error) {
	var tag LanguageTag
	err := normalizeInto(C.ATLSCIM_NORMALIZER_LOCALE, value, &tag)
	return tag, err
}

// AcceptLanguage is an Accept-Language list, read.
type AcceptLanguage struct {
	// Best is the preferred tag, or nil when no item is a usable language.
	Best *LanguageTag `json:"best"`
	// Ranges are the usable items in their order; Errors the malformed ones.
	Ranges []LanguageRange       `json:"ranges"`
	Errors []AcceptLanguageError `json:"errors"`
}

// LanguageRange is one usable item of an Accept-Language list.
type LanguageRange struct {
	// Index is the item's position, from 0, not counting empty items.
	Index int `json:"index"`
	// Tag is nil for the wildcard "*".
	Tag *LanguageTag `json:"tag"`
	// Quality is the weight in thousandths (1000 when absent).
	Quality int `json:"quality"`
}

// AcceptLanguageError is a malformed item of an Accept-Language list.
type AcceptLanguageError struct {
	Index  int    `json:"index"`
	Item   string `json:"item"`
	Detail string `json:"detail"`
}

// ParseAcceptLanguage reads an Accept-Language list ("da, en-GB;q=0.8"). Malformed items are
// listed in Errors and the others still used; the error is only for a value that is not UTF-8.
func ParseAcceptLanguage(value string) (AcceptLanguage, error) {
	var list AcceptLanguage
	err := normalizeInto(C.ATLSCIM_NORMALIZER_ACCEPT_LANGUAGE, value, &list)
	return list, err
}

// NearestAtlassianLanguage returns the Atlassian product language closest to a language tag
// ("fr-CA" gives "fr-FR", "nb" gives "no-NO"), or "" when none shares its language. The tag is
// read as NormalizeLocale reads it, and refused as it is.
func NearestAtlassianLanguage(tag string) (string, error) {
	var language *string
	err := normalizeInto(C.ATLSCIM_NORMALIZER_ATLASSIAN_LANGUAGE, tag, &language)
	return valueOf(language), err
}

// Email is an email address as it should be sent.
type Email struct {
	// Address is local@domain, as it should be sent.
	Address string `json:"address"`
	// Local is the local part, exactly as given.
	Local string `json:"local"`
	// Domain is in lower-case ASCII (punycode for internationalized domains).
	Domain string `json:"domain"`
}

// NormalizeEmail checks an address and puts its domain in lower-case ASCII (IDN as punycode),
// leaving the local part as it is. An address that is not one gives an *Error with
// StatusNotNormalizable and Reason "invalid".
func NormalizeEmail(value string) (Email, error) {
	var email Email
	err := normalizeInto(C.ATLSCIM_NORMALIZER_EMAIL, value, &email)
	return email, err
}

// NameParts is a display name split into its parts; absent parts are empty.
type NameParts struct {
	Given  string `json:"given"`
	Family string `json:"family"`
	// Prefix and Suffix are honorifics ("Dr.", "Jr."), space-separated.
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
}

// SplitDisplayName splits a display name as Atlassian's display-name rule needs it. The error is
// only for a value that is not UTF-8.
func SplitDisplayName(displayName string) (NameParts, error) {
	var parts NameParts
	err := normalizeInto(C.ATLSCIM_NORMALIZER_DISPLAY_NAME, displayName, &parts)
	return parts, err
}

// JoinDisplayName returns the display name Atlassian builds from a given and a family name
// ("given family", whitespace collapsed; family then given for names in Han, Kana or Hangul). The
// error is only for a value that is not UTF-8.
func JoinDisplayName(given, family string) (string, error) {
	text, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.go_join(given, family, out, cerr)
	})
	return string(text), err
}
