//! Vigil: pages, server functions and the plain-Rust domain.
//!
//! Built twice: natively with `ssr` for the `vigil` server, and to wasm with `hydrate` for the
//! browser. `ssr`-only code lives in [`ssr`].

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

/// The browser entry point: hydrates the server-rendered page once the page's lazily loaded code
/// has arrived (pages are lazy routes, see [`app`]), then marks the body so tests (and styles)
/// can tell that interactivity is live.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
