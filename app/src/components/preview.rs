//! Rendered course content. The HTML was sanitized with ammonia when the course was published
//! (or, for drafts, when the preview was built), so it is inserted as is.

use leptos::prelude::*;

use crate::api::content::Preview;

/// Lessons or document, then the quiz with the answers marked (for authors).
#[component]
pub fn ContentPreview(preview: Preview) -> impl IntoView {
    let question_count = preview.questions.len();
    view! {
        <div class="preview">
            {preview.lessons.into_iter().enumerate().map(|(index, (title, html))| view! {
                <article class="lesson" aria-labelledby=format!("lesson-{index}")>
                    <p class="eyebrow" id=format!("lesson-{index}")>{format!("Lesson {}: {title}", index + 1)}</p>
                    <div class="prose" inner_html=html></div>
                </article>
            }).collect_view()}
            {preview.document.map(|(title, html)| view! {
                <article class="lesson" aria-label=title>
                    <div class="prose" inner_html=html></div>
                </article>
            })}
            {preview.statement.map(|statement| view! {
                <p class="statement"><strong>"Statement people accept: "</strong>{statement}</p>
            })}
            {(question_count > 0).then(|| view! {
                <section class="quiz-preview" aria-labelledby="quiz-preview-heading">
                    <h2 id="quiz-preview-heading">"Quiz"</h2>
                    <p class="lead">
                        {format!(
                            "{question_count} questions; each attempt asks {}{}.",
                            preview.asked_per_attempt,
                            preview.pass_mark.map(|mark| format!(" and needs {mark}% to pass")).unwrap_or_default()
                        )}
                    </p>
                    <ol class="questions">
                        {preview.questions.into_iter().map(|question| view! {
                            <li class="question">
                                {question.pool.map(|pool| view! { <p class="eyebrow">{pool}</p> })}
                                <p class="prompt">
                                    {question.prompt}
                                    {question.multiple.then_some(" (select all that apply)")}
                                </p>
                                <div class="prose" inner_html=question.body_html></div>
                                <ul class="options">
                                    {question.options.into_iter().map(|(html, correct)| view! {
                                        <li class:correct=correct>
                                            <span class="answer-mark">{if correct { "Correct: " } else { "Wrong: " }}</span>
                                            <span inner_html=html></span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <div class="explanation prose" inner_html=question.explanation_html></div>
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
        </div>
    }
}
