//! The plan, its steps and risks, and the options that shape them: plain data that serializes
//! to the JSON documented in docs/sync.md, so every binding passes them across its ABI as text.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The format version written in every plan (`"format"`); a plan of another version is refused.
pub const PLAN_FORMAT: u32 = 1;

/// The prefix of a symbolic id: `${s3}` stands for the id the server gives the resource step
/// `s3` creates, and is resolved while executing (in paths and in string values of bodies).
pub const SYMBOL_PREFIX: &str = "${";

/// Which attribute matches a desired user to a current one, in the order tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchKey {
    /// Exact, as Atlassian stores it.
    #[serde(rename = "externalId")]
    ExternalId,
    /// Ignoring case, as Atlassian compares userNames.
    #[serde(rename = "userName")]
    UserName,
    /// The primary email, IDN domain in ASCII, ignoring case.
    #[serde(rename = "email")]
    Email,
}

/// What happens to a user that left the identity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GonePolicy {
    /// `PATCH active: false` (the default: the account and its history stay).
    #[default]
    Deactivate,
    /// `DELETE /Users/{id}`.
    Delete,
}

/// How a plan is made. Every member has a default, so `{}` is a valid options document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanOptions {
    /// Matching order (default externalId, userName, email). A fallback key (userName, email)
    /// never matches a current user whose externalId is set and differs.
    pub match_by: Vec<MatchKey>,
    /// Users gone from the identity provider: deactivate (default) or delete.
    pub gone: GonePolicy,
    /// Current users that no identity provider provisioned (no externalId) and that match no
    /// desired user are orphans: reported and left alone unless this is set.
    pub manage_orphans: bool,
    /// Most deactivations and deletes together (default 500).
    pub max_removals: u64,
    /// Largest share of current live users deactivated or deleted together (default 0.10).
    pub max_removal_share: f64,
    /// Plan past `max_removals` / `max_removal_share` anyway (the CLI's `--allow-removals`).
    pub allow_removals: bool,
    /// A desired listing with fewer users than this share of the current users, inactive ones
    /// included (default 0.5), looks truncated: the plan then deletes nothing (gone users are deactivated at most).
    pub truncation_share: f64,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            match_by: vec![MatchKey::ExternalId, MatchKey::UserName, MatchKey::Email],
            gone: GonePolicy::Deactivate,
            manage_orphans: false,
            max_removals: 500,
            max_removal_share: 0.10,
            allow_removals: false,
            truncation_share: 0.5,
        }
    }
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    CreateGroup,
    CreateUser,
    UpdateUser,
    UpdateMembers,
    DeactivateUser,
    DeleteUser,
    DeleteGroup,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::CreateGroup => "create_group",
            StepKind::CreateUser => "create_user",
            StepKind::UpdateUser => "update_user",
            StepKind::UpdateMembers => "update_members",
            StepKind::DeactivateUser => "deactivate_user",
            StepKind::DeleteUser => "delete_user",
            StepKind::DeleteGroup => "delete_group",
        }
    }

    /// Whether the step creates a resource (its id becomes `${step}` for later steps).
    pub fn creates(self) -> bool {
        matches!(self, StepKind::CreateGroup | StepKind::CreateUser)
    }
}

/// The resource a step acts on: enough to name it in a report and to look it up after a 409.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    /// `User` or `Group`.
    pub resource: String,
    /// The server's id, when the resource exists already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// One request of a plan, with why it is there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// `s1`, `s2`, … in plan order.
    pub id: String,
    pub kind: StepKind,
    pub method: String,
    /// Relative to the directory's base URL (`/Users`, `/Groups/${s1}`).
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    pub subject: Subject,
    pub reason: String,
    /// Rule ids the step is shaped by (ATL-G-002 for a rename, ATL-U-019 for an unlinking email…).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Steps that must have succeeded first (a failed one skips this one).
    #[serde(default)]
    pub depends_on: Vec<String>,
}

/// How serious a risk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Info,
    Warning,
    Danger,
}

/// One finding of the risk report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    /// `email_unlinks_account`, `loses_groups`, `deactivations`, `deletes`, `reserved_group_name`,
    /// `group_over_member_limit`, `directory_over_user_limit`, `nested_group_flattened`,
    /// `duplicate_in_desired`, `ambiguous_match`, `orphans`, `orphan_groups`, `likely_conflict`,
    /// `swap_cycle`, `group_rename`, `managed_team_group`, `truncated_desired`, `unknown_member`,
    /// `refused_by_check`, `unidentifiable`, `email_domain_change`.
    pub kind: String,
    pub level: RiskLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub count: usize,
    /// The names concerned (userNames, group names), sorted; at most 100, `count` has them all.
    pub subjects: Vec<String>,
    pub detail: String,
}

/// Why a plan must not be carried out as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    /// `too_many_removals` or `removal_share`.
    pub guard: String,
    pub detail: String,
}

/// Counts of what a plan does and found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub desired_users: usize,
    pub desired_groups: usize,
    pub current_users: usize,
    pub current_groups: usize,
    pub matched_users: usize,
    pub unchanged_users: usize,
    pub user_creates: usize,
    pub user_updates: usize,
    pub deactivations: usize,
    pub deletes: usize,
    pub group_creates: usize,
    pub group_updates: usize,
    pub group_deletes: usize,
    pub orphans: usize,
    pub ambiguous: usize,
}

/// A whole directory change, planned: ordered steps, the risk report and the guard rails'
/// verdict. The same inputs give the same plan, byte for byte ([`Plan::to_json_string`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`PLAN_FORMAT`].
    pub format: u32,
    pub summary: Summary,
    /// Set when a guard rail refused the plan; the executor then refuses to run it.
    #[serde(default)]
    pub refusal: Option<Refusal>,
    pub risks: Vec<Risk>,
    pub steps: Vec<Step>,
}

/// A plan or state document that cannot be used. Read through its methods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncError {
    pub(crate) kind: &'static str,
    pub(crate) detail: String,
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

impl std::error::Error for SyncError {}

impl SyncError {
    /// `format` (wrong version), `json` (not the documented shape), `refused` (a guard rail),
    /// `input` (desired/current unreadable), `state` (a state for another plan), `feed` (a
    /// response with no request outstanding).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// What is wrong, in words.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    pub(crate) fn new(kind: &'static str, detail: impl Into<String>) -> SyncError {
        SyncError { kind, detail: detail.into() }
    }
}

impl Plan {
    /// The plan as JSON text (compact, members in a fixed order: byte-for-byte deterministic).
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a plan written by [`Plan::to_json_string`]; refuses another format version.
    pub fn from_json_str(text: &str) -> Result<Plan, SyncError> {
        let v: Value = serde_json::from_str(text).map_err(|e| SyncError::new("json", e.to_string()))?;
        let format = v.get("format").and_then(Value::as_u64);
        if format != Some(u64::from(PLAN_FORMAT)) {
            return Err(SyncError::new("format", format!("plan format {format:?}, this library reads {PLAN_FORMAT}")));
        }
        serde_json::from_value(v).map_err(|e| SyncError::new("json", e.to_string()))
    }

    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}
