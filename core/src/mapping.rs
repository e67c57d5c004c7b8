//! Attribute mapping: identity-provider records to Atlassian-ready SCIM Users (issue 7).
