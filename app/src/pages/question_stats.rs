//! `/content/course/:slug/v/:version/questions`: how each question of a version is answered on
//! people's first attempts, weakest first, with the wrong option chosen most.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::content::question_stats;
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::domain::language_names::language_name;
use crate::domain::permissions::Permission;
use crate::dto::question_stats::{LanguageFigure, QuestionStatsView};

/// `/content/course/:slug/v/:version/questions`
#[component]
pub fn QuestionStatsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let number = move || {
        params
            .read()
            .get("version")
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let stats = Resource::new(move || (slug(), number()), |(s, n)| question_stats(s, n));
    view! {
        <Title text="Question analytics" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb">
                    <a href="/content">"Content"</a>" › "
                    <a href=move || format!("/content/course/{}", slug())>{slug}</a>" › "
                    <a href=move || format!("/content/course/{}/v/{}", slug(), number())>{move || format!("version {}", number())}</a>
                </p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match stats.await {
                            Ok(view) => view! { <Table view /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Table(view: QuestionStatsView) -> impl IntoView {
    // Shown when attempts were taken in more than one language: a translation answered wrongly
    // far more often than the course's own language points at the translation.
    let by_language = view.in_several_languages();
    view! {
        <h1>{format!("{} · version {}: questions", view.title, view.version)}</h1>
        <p class="lead">"Each person's first attempt at this version counts once, so retakes after seeing the answers do not flatter a question. Questions most often answered wrongly come first: a low figure with one wrong option chosen far more than the others points at a real misunderstanding (or a misleading question)."</p>
        {if view.people == 0 {
            view! { <p class="muted">"Nobody has taken this version's quiz yet."</p> }.into_any()
        } else {
            view! {
                <p>{format!("First attempts counted: {}.", view.people)}</p>
                <div class="table-wrap">
                    <table aria-label="Questions">
                        <thead><tr><th scope="col">"Question"</th><th scope="col">"Pool"</th><th scope="col">"Asked"</th><th scope="col">"Right first time"</th><th scope="col">"Wrong option chosen most"</th>{by_language.then(|| view! { <th scope="col">"Right first time by language"</th> })}</tr></thead>
                        <tbody>
                            {view.questions.into_iter().map(|q| view! {
                                <tr>
                                    <th scope="row">{q.prompt}</th>
                                    <td>{q.pool}</td>
                                    <td>{q.asked}</td>
                                    <td>{q.percent_right.map_or_else(|| "not asked yet".to_owned(), |p| format!("{p}%"))}</td>
                                    <td>{match q.top_wrong {
                                        // Sanitized at publish (pulldown-cmark + ammonia).
                                        Some((html, times)) => view! { <span inner_html=html></span>{format!(" ({times})")} }.into_any(),
                                        None => view! { <span class="muted">"none"</span> }.into_any(),
                                    }}</td>
                                    {by_language.then(|| view! { <td>{languages_cell(&q.by_language)}</td> })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// "Deutsch 55% of 12 · English 80% of 40".
fn languages_cell(figures: &[LanguageFigure]) -> String {
    figures
        .iter()
        .map(|f| match f.percent_right {
            Some(p) => format!("{} {p}% of {}", language_name(&f.language), f.asked),
            None => format!("{} not asked yet", language_name(&f.language)),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}
