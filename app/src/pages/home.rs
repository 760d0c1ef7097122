//! The home page: one section per thing the signed-in person is responsible for.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::session::SessionUser;
use crate::components::alerts::SuccessAlert;
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// Home for employees, managers, compliance admins and platform admins alike; each sees the
/// sections for their permissions.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home" />
        <Protected require=Permission::Employee let:user>
            <HomeSections user />
        </Protected>
    }
}

#[component]
fn HomeSections(user: SessionUser) -> impl IntoView {
    let permissions = user.permissions;
    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let query = use_query_map();
    let notice = Signal::derive(move || {
        let query = query.read();
        if query.get("welcome").is_some() {
            Some("Your password is set and you are signed in. Your training is below.")
        } else if query.get("password_reset").is_some() {
            Some(
                "Your new password is saved. Every other session of your account has been signed out.",
            )
        } else {
            None
        }
    });
    view! {
        <section class="page">
            <SuccessAlert message=notice />
            <h1>{format!("Welcome, {first_name}")}</h1>
            <p class="lead">{user.job_title.clone()}{user.department.map(|d| format!(" · {d}"))}</p>
            <div class="card-grid">
                <article class="card" aria-labelledby="home-training">
                    <h2 id="home-training">"Your training"</h2>
                    <p>"Courses assigned to you will appear here, overdue ones first, with due dates and your certificates."</p>
                    <a href="/training">"Open my training"</a>
                </article>
                {permissions.manager.then(|| view! {
                    <article class="card" aria-labelledby="home-team">
                        <h2 id="home-team">"Your team"</h2>
                        <p>"Your reports' completion will appear here: who is up to date, who is overdue, and reminders you have sent."</p>
                        <a href="/team">"Open my team"</a>
                    </article>
                })}
                {permissions.compliance_admin.then(|| view! {
                    <article class="card" aria-labelledby="home-compliance">
                        <h2 id="home-compliance">"Compliance"</h2>
                        <p>"Organisation-wide completion, overdue counts and audit evidence will appear here, with the courses you publish."</p>
                        <a href="/compliance">"Open compliance"</a>
                    </article>
                })}
                {permissions.platform_admin.then(|| view! {
                    <article class="card" aria-labelledby="home-people">
                        <h2 id="home-people">"People"</h2>
                        <p>"Everyone who uses Vigil, their departments, managers and job roles."</p>
                        <a href="/admin/people">"Open people"</a>
                    </article>
                })}
            </div>
        </section>
    }
}
