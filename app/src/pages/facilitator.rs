//! `/facilitator` and `/facilitator/:slug`: the packs managers use to teach a course in person
//! (slides, a discussion guide, a one-on-one checklist). Managers and compliance administrators.
//! The slides are a page of full-width sections that also print one to a sheet; nothing needs
//! JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::content::{facilitator_pack, facilitator_packs};
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;
use crate::dto::facilitator::{FacilitatorView, PackPart, PackRow};

/// `/facilitator`
#[component]
pub fn FacilitatorListPage() -> impl IntoView {
    let packs = Resource::new(|| (), |()| facilitator_packs());
    view! {
        <Title text="Facilitator packs" />
        <Protected require=Permission::Teach let:_user>
            <section class="page">
                <h1>"Facilitator packs"</h1>
                <p class="lead">"Material for teaching a course in person: slides for a team briefing, a guide for a group discussion and a checklist for one-on-ones. When you run a session, ask your compliance team to record it as an instructor-led session with its attendees."</p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match packs.await {
                            Ok(rows) => view! { <PackList rows /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn PackList(rows: Vec<PackRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No course has a facilitator pack yet. Authors add one in a course's facilitator folder (see the authoring guide)."</p> }.into_any();
    }
    view! {
        <ul class="plain-list">
            {rows.into_iter().map(|row| {
                let mut parts = Vec::new();
                if row.slides > 0 {
                    parts.push(format!("{} slides", row.slides));
                }
                if row.guide {
                    parts.push("discussion guide".to_owned());
                }
                if row.checklist {
                    parts.push("one-on-one checklist".to_owned());
                }
                view! {
                    <li>
                        <a href=format!("/facilitator/{}", row.slug)>{row.title}</a>
                        <span class="muted">{format!(" — {}", parts.join(", "))}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/facilitator/:slug`
#[component]
pub fn FacilitatorPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let pack = Resource::new(slug, facilitator_pack);
    view! {
        <Title text="Facilitator pack" />
        <Protected require=Permission::Teach let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/facilitator">"Facilitator packs"</a></p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match pack.await {
                            Ok(view) => view! { <Pack view /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Pack(view: FacilitatorView) -> impl IntoView {
    let total = view.slides.len();
    view! {
        <h1>{format!("{}: facilitator pack", view.title)}</h1>
        <p class="lead">{format!("From version {} of the course.", view.version)}</p>
        <nav aria-label="Parts of the pack" class="tabs">
            {(total > 0).then(|| view! { <a href="#slides">"Slides"</a> })}
            {view.guide.is_some().then(|| view! { <a href="#guide">"Discussion guide"</a> })}
            {view.checklist.is_some().then(|| view! { <a href="#checklist">"One-on-one checklist"</a> })}
        </nav>
        {(total > 0).then(|| view! {
            <h2 id="slides">"Slides"</h2>
            <p class="muted">"Each slide fills the screen width and prints on its own page. Speaker notes are the quoted paragraphs at the foot of a slide."</p>
            <div class="slides">
                {view.slides.into_iter().enumerate().map(|(index, slide)| view! {
                    <section class="slide prose" id=format!("slide-{}", index + 1) aria-label=format!("Slide {} of {total}: {}", index + 1, slide.title)>
                        // Sanitized at publish (pulldown-cmark + ammonia).
                        <div inner_html=slide.html></div>
                        <p class="slide-number">{format!("{} / {total}", index + 1)}</p>
                    </section>
                }).collect_view()}
            </div>
        })}
        {view.guide.map(|part| view! { <Part id="guide" part /> })}
        {view.checklist.map(|part| view! { <Part id="checklist" part /> })}
    }
}

#[component]
fn Part(id: &'static str, part: PackPart) -> impl IntoView {
    view! {
        <article class="prose pack-part" id=id aria-label=part.title>
            <div inner_html=part.html></div>
        </article>
    }
}
