//! "My team": a manager's view of their reports' training.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::team::{TeamView, get_team};
use crate::components::alerts::LoadError;
use crate::components::delivery::DeliveryText;
use crate::components::guard::Protected;
use crate::components::progress::Completion;
use crate::domain::permissions::Permission;

/// `/team` (`?scope=all` for everyone below, not only direct reports)
#[component]
pub fn TeamPage() -> impl IntoView {
    let query = use_query_map();
    let team = Resource::new(
        move || {
            let query = query.read();
            (
                query.get("scope").unwrap_or_default(),
                query
                    .get("page")
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(1),
            )
        },
        |(scope, page)| get_team(scope, page),
    );
    view! {
        <Title text="My team" />
        <Protected require=Permission::Manager let:_user>
            <section class="page">
                <h1>"My team"</h1>
                <p><a href="/facilitator">"Facilitator packs"</a>" — slides, discussion guides and one-on-one checklists for training your team in person."</p>
                <Suspense fallback=|| view! { <p class="loading">"Loading your team…"</p> }>
                    {move || Suspend::new(async move {
                        match team.await {
                            Ok(team) => view! { <TeamTables team /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn TeamTables(team: TeamView) -> impl IntoView {
    let base = if team.all_below {
        "/team?scope=all&"
    } else {
        "/team?"
    };
    let (page, pages) = (team.page, team.pages);
    let previous = format!("{base}page={}#people", page.saturating_sub(1));
    let next = format!("{base}page={}#people", page + 1);
    let shown_from = (page - 1) * crate::api::team::TEAM_PAGE_SIZE + 1;
    let shown_to = shown_from + team.people.len() as u64 - 1;
    let total = team.total;
    view! {
        <nav class="tabs" aria-label="Who to include">
            <a href="/team" aria-current=(!team.all_below).then_some("page")>"Direct reports"</a>
            <a href="/team?scope=all" aria-current=team.all_below.then_some("page")>"Everyone below me"</a>
        </nav>
        <Completion tally=team.overall />
        {if team.people.is_empty() {
            view! { <div class="empty-state"><p>"Nobody reports to you here."</p></div> }.into_any()
        } else {
            view! {
                <h2 id="people">"People"</h2>
                <p class="muted">{format!("{shown_from}–{shown_to} of {total}, most overdue first")}</p>
                <div class="table-wrap">
                    <table aria-labelledby="people">
                        <thead><tr>
                            <th scope="col">"Name"</th><th scope="col">"Completion"</th><th scope="col">"Last reminder"</th>
                        </tr></thead>
                        <tbody>
                            {team.people.into_iter().map(|member| view! {
                                <tr>
                                    <th scope="row">
                                        <a href=format!("/team/{}", member.public_id)>{member.name}</a>
                                        <br /><span class="muted">{member.job_title}{(!member.direct).then_some(" · indirect")}</span>
                                    </th>
                                    <td><Completion tally=member.tally /></td>
                                    <td>{match member.last_reminder {
                                        Some(delivery) => view! { <DeliveryText delivery /> }.into_any(),
                                        None => "None".into_any(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(pages > 1).then(|| view! {
                    <nav class="pager" aria-label="Pages of people">
                        {(page > 1).then(|| view! { <a href=previous.clone()>"Previous"</a> })}
                        <span>{format!("Page {page} of {pages}")}</span>
                        {(page < pages).then(|| view! { <a href=next.clone()>"Next"</a> })}
                    </nav>
                })}
                <h2 id="courses">"Courses"</h2>
                <div class="table-wrap">
                    <table aria-labelledby="courses">
                        <thead><tr><th scope="col">"Course"</th><th scope="col">"Completion"</th></tr></thead>
                        <tbody>
                            {team.courses.into_iter().map(|course| view! {
                                <tr><th scope="row">{course.title}</th><td><Completion tally=course.tally /></td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
