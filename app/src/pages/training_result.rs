//! The result of an attempt: score, pass or fail, and every question with its explanation.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::training::{AttemptResult, StartQuiz, get_attempt_result};
use crate::components::alerts::{ErrorAlert, LoadError};
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;

/// `/training/:slug/result/:sequence`
#[component]
pub fn ResultPage() -> impl IntoView {
    let params = use_params_map();
    let retake = ServerAction::<StartQuiz>::new();
    let result = Resource::new(
        move || {
            params
                .read()
                .get("sequence")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_attempt_result,
    );
    let error = Signal::derive(move || retake.value().get().and_then(Result::err));
    view! {
        <Title text="Quiz result" />
        <Protected require=Permission::Employee let:_user>
            <section class="page">
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading your result…"</p> }>
                    {move || Suspend::new(async move {
                        match result.await {
                            Ok(result) => view! { <Outcome result retake /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Outcome(result: AttemptResult, retake: ServerAction<StartQuiz>) -> impl IntoView {
    let revealed = result.answers_revealed;
    let heading = if result.passed {
        "You passed"
    } else {
        "Not passed this time"
    };
    view! {
        <p class="breadcrumb"><a href=format!("/training/{}", result.slug)>{result.course_title.clone()}</a></p>
        <h1>{heading}</h1>
        <div class=if result.passed { "alert alert-success" } else { "alert alert-warning" } role="status">
            <p>{format!(
                "You scored {}% ({} of {} right); the pass mark is {}%. Submitted {}.",
                result.score, result.right, result.asked, result.pass_mark, date_time(result.finished_at)
            )}</p>
        </div>
        {match (&result.certificate_code, result.passed, result.retake_after) {
            (Some(code), _, _) => view! { <p><a class="button button-primary" href=format!("/verify/{code}")>"View your certificate"</a></p> }.into_any(),
            (None, false, Some(until)) => view! { <p>{format!("You have used your attempts for now. Go through the lessons again, and try again after {}.", date_time(until))}</p> }.into_any(),
            (None, false, None) => view! {
                <p>"Go through the lessons again, then try again. The questions may differ."</p>
                <ActionForm action=retake attr:class="inline-form">
                    <input type="hidden" name="slug" value=result.slug.clone() />
                    <button type="submit" class="button button-primary">"Retake the quiz"</button>
                </ActionForm>
            }.into_any(),
            (None, true, _) => ().into_any(),
        }}
        <h2>"Your answers"</h2>
        {(!revealed).then(|| view! {
            <p class="hint">"The right answers and explanations are shown once you pass, or when this course's quiz settings allow."</p>
        })}
        <ol class="questions" lang=result.language.clone()>
            {result.questions.into_iter().map(|question| view! {
                <li class="question">
                    <p class="prompt">{question.prompt}{revealed.then(|| view! {
                        <span class=if question.right { "verdict right" } else { "verdict wrong" }>{if question.right { " Right" } else { " Wrong" }}</span>
                    })}</p>
                    <div class="prose" inner_html=question.body_html></div>
                    <ul class="options">
                        {question.options.into_iter().map(|option| view! {
                            <li class:correct=option.correct class:chosen=option.chosen>
                                <span class="answer-mark">{match (revealed, option.chosen, option.correct) {
                                    (false, true, _) => "Your answer: ",
                                    (true, true, true) => "Your answer, correct: ",
                                    (true, true, false) => "Your answer, not correct: ",
                                    (true, false, true) => "Correct answer: ",
                                    _ => "",
                                }}</span>
                                <span inner_html=option.html></span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <div class="explanation prose" inner_html=question.explanation_html></div>
                </li>
            }).collect_view()}
        </ol>
    }
}
