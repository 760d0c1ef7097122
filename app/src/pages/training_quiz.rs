//! Answering a quiz attempt: a plain form of radio buttons and check boxes.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::training::{QuizView, SubmitQuiz, get_quiz};
use crate::components::alerts::{ErrorAlert, LoadError};
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// `/training/:slug/quiz/:attempt`
#[component]
pub fn QuizPage() -> impl IntoView {
    let params = use_params_map();
    let submit = ServerAction::<SubmitQuiz>::new();
    let quiz = Resource::new(
        move || {
            params
                .read()
                .get("attempt")
                .and_then(|a| a.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_quiz,
    );
    let error = Signal::derive(move || submit.value().get().and_then(Result::err));
    view! {
        <Title text="Quiz" />
        <Protected require=Permission::Employee let:_user>
            <section class="page">
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading the quiz…"</p> }>
                    {move || Suspend::new(async move {
                        match quiz.await {
                            Ok(quiz) => view! { <Questions quiz submit /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Questions(quiz: QuizView, submit: ServerAction<SubmitQuiz>) -> impl IntoView {
    view! {
        <Title text=format!("Quiz: {}", quiz.course_title) />
        <p class="breadcrumb"><a href=format!("/training/{}", quiz.slug)>{quiz.course_title.clone()}</a></p>
        <h1>"Quiz"</h1>
        <p class="lead">{format!("{} questions. You need {}% to pass. Your answers are checked when you submit.", quiz.questions.len(), quiz.pass_mark)}</p>
        <ActionForm action=submit attr:class="quiz">
            <input type="hidden" name="attempt_id" value=quiz.attempt_id />
            {quiz.questions.into_iter().map(|question| {
                let number = question.number;
                view! {
                    <fieldset class="question" lang=quiz.language.clone()>
                        <legend>
                            <span class="question-number">{format!("Question {number}")}</span>
                            {question.prompt.clone()}
                            {question.multiple.then_some(view! { <span class="hint">" Select all that apply."</span> })}
                        </legend>
                        <div class="prose" inner_html=question.body_html.clone()></div>
                        {question.options.into_iter().map(|(option, html)| {
                            let id = format!("q{number}-o{option}");
                            let (kind, name, value) = if question.multiple {
                                ("checkbox", format!("multiple[{number}][{option}]"), "yes".to_owned())
                            } else {
                                ("radio", format!("single[{number}]"), option.to_string())
                            };
                            view! {
                                <div class="option">
                                    <input type=kind id=id.clone() name=name value=value />
                                    <label for=id inner_html=html></label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <button type="submit" class="button button-primary">"Submit my answers"</button>
        </ActionForm>
    }
}
