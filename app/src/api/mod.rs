//! Server functions: every one is a public HTTP endpoint (`/api/...`) that authenticates and
//! authorizes itself, then calls the domain and repositories. DTOs here are the wire format.

pub mod account;
pub mod account_links;
pub mod administration;
pub mod api_tokens;
pub mod content;
pub mod dashboard;
pub mod ledger;
pub mod mail_admin;
pub mod organisation;

pub mod people;
pub mod programme_reviews;
pub mod records_admin;

pub mod session;
pub mod team;

pub mod training;
pub mod witnesses;

/// The server functions that take a multipart upload (the request guard checks their content
/// type before anything decodes it).
#[cfg(feature = "ssr")]
pub fn multipart_paths() -> Vec<&'static str> {
    use leptos::server_fn::ServerFn;
    vec![
        <content::UploadCourse as ServerFn>::PATH,
        <people::UploadPeople as ServerFn>::PATH,
    ]
}
