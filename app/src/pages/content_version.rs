//! One published version exactly as readers got it, with the quiz answers.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::content::version_preview;
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::components::preview::ContentPreview;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;

/// `/content/course/:slug/v/:version`
#[component]
pub fn VersionPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let version = Resource::new(
        move || {
            (
                slug(),
                params
                    .read()
                    .get("version")
                    .and_then(|v| v.parse::<i32>().ok())
                    .unwrap_or(0),
            )
        },
        |(slug, number)| version_preview(slug, number),
    );
    view! {
        <Title text="Course version" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/content">"Content"</a>" › "<a href=move || format!("/content/course/{}", slug())>{slug}</a></p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match version.await {
                            Ok((row, preview)) => view! {
                                <h1>{format!("{} · version {}", preview.title, row.version)}</h1>
                                <p class="lead">
                                    {format!("Published {} by {}. ", date_time(row.published_at), row.published_by)}
                                    {if row.material { "Material change." } else { "Minor change." }}
                                </p>
                                <p class="muted">"Content hash (SHA-256): "<code class="hash">{row.content_hash}</code></p>
                                <p class="actions">
                                    <a class="button" rel="external" download="" href=format!("/content/course/{}/v/{}/source.zip", slug(), row.version)>"Download this version (zip, ready to commit)"</a>
                                    " "
                                    <a class="button" href=format!("/content/course/{}/v/{}/questions", slug(), row.version)>"How each question is answered"</a>
                                </p>
                                <ContentPreview preview />
                            }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}
