//! One course for its learner: lessons and progress, the quiz, past attempts and certificates;
//! for policies and bulletins, the text and the statement to accept.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::training::{
    Acknowledge, CourseOverview, StartQuiz, StartReading, get_course_overview,
};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::time::{date, date_time};
use crate::domain::course_kind::CourseKind;
use crate::domain::permissions::Permission;

/// `/training/:slug`
#[component]
pub fn TrainingCoursePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let start_reading = ServerAction::<StartReading>::new();
    let acknowledge = ServerAction::<Acknowledge>::new();
    let start_quiz = ServerAction::<StartQuiz>::new();
    let course = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                start_reading.version().get(),
                acknowledge.version().get(),
            )
        },
        |(slug, ..)| get_course_overview(slug),
    );
    let notice = Signal::derive(move || {
        let query = query.read();
        if query.get("acknowledged").is_some() {
            Some("Thank you: your acknowledgement is recorded.")
        } else if query.get("read").is_some() {
            Some("You have read every lesson. When you are ready, take the quiz.")
        } else {
            None
        }
    });
    let error = Signal::derive(move || {
        start_quiz
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| acknowledge.value().get().and_then(Result::err))
            .or_else(|| start_reading.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Course" />
        <Protected require=Permission::Employee let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/training">"My training"</a></p>
                <SuccessAlert message=notice />
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match course.await {
                            Ok(course) => view! { <CourseBody course start_reading acknowledge start_quiz /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn CourseBody(
    course: CourseOverview,
    start_reading: ServerAction<StartReading>,
    acknowledge: ServerAction<Acknowledge>,
    start_quiz: ServerAction<StartQuiz>,
) -> impl IntoView {
    let status = course.status.map(|s| s.label()).unwrap_or("Not assigned");
    let status_class = format!(
        "status status-{}",
        course.status.map_or("none", |s| s.as_str())
    );
    let slug = course.slug.clone();
    view! {
        <Title text=course.title.clone() />
        <h1 lang=course.language.clone()>{course.title.clone()}</h1>
        <p class="lead" lang=course.language.clone()>{course.summary.clone()}</p>
        <p>
            <span class=status_class>{status}</span>
            {course.due_on.map(|due| view! { <span class="muted">{format!(" · due {}", date(due))}</span> })}
            <span class="muted">{format!(" · version {}", course.version)}</span>
        </p>
        {match course.kind {
            CourseKind::Course => view! { <Lessons course=course.clone() start_quiz /> }.into_any(),
            CourseKind::Policy | CourseKind::Bulletin => view! { <Document course=course.clone() start_reading acknowledge /> }.into_any(),
        }}
        <History course slug />
    }
}

#[component]
fn Lessons(course: CourseOverview, start_quiz: ServerAction<StartQuiz>) -> impl IntoView {
    let read = course.lessons.iter().filter(|l| l.read).count();
    let total = course.lessons.len();
    let slug = course.slug.clone();
    let next = course
        .lessons
        .iter()
        .find(|l| !l.read)
        .map_or(1, |l| l.number);
    view! {
        <h2 id="lessons">"Lessons"</h2>
        <p class="muted">{format!("{read} of {total} read")}</p>
        <progress max=total value=read aria-labelledby="lessons"></progress>
        <ol class="lesson-list">
            {course.lessons.iter().map(|lesson| view! {
                <li class:read=lesson.read>
                    <a href=format!("/training/{}/lesson/{}", slug, lesson.number)>{lesson.title.clone()}</a>
                    {lesson.read.then_some(view! { <span class="muted">" · read"</span> })}
                </li>
            }).collect_view()}
        </ol>
        {(read < total).then(|| view! {
            <p><a class="button button-primary" href=format!("/training/{}/lesson/{next}", slug)>{if read == 0 { "Start reading" } else { "Continue reading" }}</a></p>
        })}
        <h2 id="quiz">"Quiz"</h2>
        <p>{format!(
            "{} questions; you need {}% to pass. You can read the lessons again at any time.",
            course.questions_per_attempt,
            course.pass_mark.unwrap_or(100)
        )}</p>
        {match (course.open_attempt, course.retake_after) {
            (Some(attempt), _) => view! {
                <a class="button button-primary" href=format!("/training/{}/quiz/{attempt}", course.slug)>"Continue your attempt"</a>
            }.into_any(),
            (None, Some(until)) => view! {
                <p class="alert alert-warning">{format!("You have used your attempts for now. You can try again after {}.", date_time(until))}</p>
            }.into_any(),
            (None, None) => view! {
                <ActionForm action=start_quiz attr:class="inline-form">
                    <input type="hidden" name="slug" value=course.slug.clone() />
                    <button type="submit" class="button button-primary">"Take the quiz"</button>
                </ActionForm>
            }.into_any(),
        }}
    }
}

#[component]
fn Document(
    course: CourseOverview,
    start_reading: ServerAction<StartReading>,
    acknowledge: ServerAction<Acknowledge>,
) -> impl IntoView {
    let slug = course.slug.clone();
    match course.document_html {
        None => view! {
            <p>{format!(
                "Read the text, then accept the statement at the end.{}",
                if course.minimum_reading_seconds > 0 { format!(" Allow at least {} minutes.", course.minimum_reading_seconds.div_ceil(60)) } else { String::new() }
            )}</p>
            <ActionForm action=start_reading attr:class="inline-form">
                <input type="hidden" name="slug" value=slug />
                <button type="submit" class="button button-primary">{if course.kind == CourseKind::Policy { "Open the policy" } else { "Open the notice" }}</button>
            </ActionForm>
        }
        .into_any(),
        Some(html) => view! {
            <article id="document" class="prose lesson" lang=course.language.clone() inner_html=html></article>
            <section class="acknowledge" aria-labelledby="acknowledge-heading">
                <h2 id="acknowledge-heading">"Your acknowledgement"</h2>
                <ActionForm action=acknowledge attr:class="form">
                    <input type="hidden" name="slug" value=slug />
                    <div class="checkbox">
                        <input id="accept" name="accept" type="checkbox" value="yes" required />
                        <label for="accept" lang=course.language.clone()>{course.statement.clone().unwrap_or_default()}</label>
                    </div>
                    <button type="submit" class="button button-primary">"Record my acknowledgement"</button>
                </ActionForm>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn History(course: CourseOverview, slug: String) -> impl IntoView {
    (!course.history.is_empty()).then(|| {
        view! {
            <h2 id="history">"Your history"</h2>
            <div class="table-wrap">
                <table aria-labelledby="history">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Version"</th>
                            <th scope="col">"Result"</th>
                            <th scope="col">"Certificate"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {course.history.into_iter().map(|record| {
                            let result = match (record.score, record.passed) {
                                (Some(score), true) => format!("Passed, {score}%"),
                                (Some(score), false) => format!("Not passed, {score}%"),
                                (None, _) => "Acknowledged".to_owned(),
                            };
                            view! {
                                <tr class:inactive=record.voided>
                                    <td>{date_time(record.finished_at)}</td>
                                    <td>{format!("v{}", record.version)}</td>
                                    <td>
                                        {if record.score.is_some() {
                                            view! { <a href=format!("/training/{}/result/{}", slug, record.sequence)>{result}</a> }.into_any()
                                        } else {
                                            result.into_any()
                                        }}
                                        {record.voided.then_some(" (voided)")}
                                    </td>
                                    <td>{record.certificate_code.map(|code| view! { <a href=format!("/verify/{code}")>{code.clone()}</a> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}
