//! SCIM 2.0 (RFC 7643 / RFC 7644) as plain Rust: the error answers, the filter language, PATCH
//! operations, and the User and Group representations Vigil stores. No HTTP or database here.

pub mod error;
pub mod filter;
pub mod group;
pub mod patch;
pub mod schemas;
pub mod user;

pub use error::{ScimError, ScimType};

/// The core User schema.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise User extension (RFC 7643 §4.3).
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The core Group schema.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// A list answer (RFC 7644 §3.4.2).
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// A PATCH request (RFC 7644 §3.5.2).
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// An error answer (RFC 7644 §3.12).
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// Most resources one list answer carries (`count` is capped to it).
pub const MAX_RESULTS: usize = 200;
