//! Wire types shared by server functions, pages and server-side modules. A leaf module: it
//! depends only on the domain, so `ssr/` can build these without importing `api/`.

pub mod api_token;
pub mod facilitator;
pub mod language;
pub mod mail;
pub mod organisation;
pub mod programme_review;
pub mod question_stats;
pub mod sign_in;
pub mod training;
pub mod witness;
