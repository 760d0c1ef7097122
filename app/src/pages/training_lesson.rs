//! Reading one lesson.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::training::{LessonView, MarkLessonRead, get_lesson};
use crate::components::alerts::{ErrorAlert, LoadError};
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;
use crate::error::AppError;

/// `/training/:slug/lesson/:number`
///
/// The lesson is asked for here, once per page, not inside the guard: server-side rendering
/// walks a `Suspense`'s children more than once to find what it waits for, and a resource made
/// in there would be made, and its server function run, each time.
#[component]
pub fn LessonPage() -> impl IntoView {
    let params = use_params_map();
    let lesson = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                params
                    .read()
                    .get("number")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1usize),
            )
        },
        |(slug, number)| get_lesson(slug, number),
    );
    view! {
        <Title text="Lesson" />
        <Protected require=Permission::Employee let:_user>
            <LessonReader lesson />
        </Protected>
    }
}

#[component]
fn LessonReader(lesson: Resource<Result<LessonView, AppError>>) -> impl IntoView {
    let mark = ServerAction::<MarkLessonRead>::new();
    let error = Signal::derive(move || mark.value().get().and_then(Result::err));
    view! {
        <section class="page">
            <ErrorAlert error />
            <Suspense fallback=|| view! { <p class="loading">"Loading the lesson…"</p> }>
                {move || Suspend::new(async move {
                    match lesson.await {
                        Ok(lesson) => view! {
                            <Title text=lesson.title.clone() />
                            <p class="breadcrumb">
                                <a href="/training">"My training"</a>" › "
                                <a href=format!("/training/{}", lesson.slug)>{lesson.course_title.clone()}</a>
                            </p>
                            <p class="eyebrow">{format!("Lesson {} of {}", lesson.number, lesson.count)}</p>
                            <article class="prose" lang=lesson.language.clone() inner_html=lesson.html.clone()></article>
                            <nav class="lesson-nav" aria-label="Lesson">
                                {(lesson.number > 1).then(|| view! {
                                    <a href=format!("/training/{}/lesson/{}", lesson.slug, lesson.number - 1)>"Previous lesson"</a>
                                })}
                                <ActionForm action=mark attr:class="inline-form">
                                    <input type="hidden" name="slug" value=lesson.slug.clone() />
                                    <input type="hidden" name="number" value=lesson.number />
                                    <button type="submit" class="button button-primary">
                                        {if lesson.number < lesson.count { "Mark as read and continue" } else { "Mark as read and finish" }}
                                    </button>
                                </ActionForm>
                            </nav>
                        }.into_any(),
                        Err(error) => view! { <LoadError error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
