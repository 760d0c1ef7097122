//! The document shell and the route table.

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::components::{layout::Layout, session::SessionProvider};
use crate::pages::{
    account::AccountPage,
    account_link::{InvitationPage, ResetPasswordPage},
    audit_log::AuditLogPage,
    certificate::VerifyPage,
    compliance::CompliancePage,
    content::ContentPage,
    content_course::CourseDetailPage,
    content_draft::DraftPage,
    content_retire::RetirePage,
    content_version::VersionPage,
    evidence::EvidencePage,
    exemptions::ExemptionsPage,
    forgot_password::ForgotPasswordPage,
    home::HomePage,
    login::LoginPage,
    mail_queue::MailQueuePage,
    mail_templates::MailTemplatesPage,
    not_found::NotFound,
    people::PeoplePage,
    people_import::{PeopleImportPage, PeopleImportPreviewPage},
    person_edit::PersonEditPage,
    records::RecordsPage,
    reminder_settings::ReminderSettingsPage,
    sessions::SessionsPage,
    team::TeamPage,
    team_member::TeamMemberPage,
    training::TrainingPage,
    training_course::TrainingCoursePage,
    training_lesson::LessonPage,
    training_quiz::QuizPage,
    training_result::ResultPage,
};

/// The HTML document around the app. On the server, the hydration script gets this response's
/// CSP nonce, so the policy never needs `'unsafe-inline'`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::csp::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: every page renders fully on the server (`SsrMode::Async`), so redirects
/// and status codes are set before the first byte and pages work without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="vigil-style" href="/pkg/vigil.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=|title: String| if title.is_empty() { "Vigil".to_owned() } else { format!("{title} · Vigil") } />
        <Router>
            <SessionProvider>
                <Layout>
                    <Routes fallback=NotFound>
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/invite/:token") view=InvitationPage ssr=SsrMode::Async />
                        <Route path=path!("/reset-password/:token") view=ResetPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/training") view=TrainingPage ssr=SsrMode::Async />
                        <Route path=path!("/training/:slug") view=TrainingCoursePage ssr=SsrMode::Async />
                        <Route path=path!("/training/:slug/lesson/:number") view=LessonPage ssr=SsrMode::Async />
                        <Route path=path!("/training/:slug/quiz/:attempt") view=QuizPage ssr=SsrMode::Async />
                        <Route path=path!("/training/:slug/result/:sequence") view=ResultPage ssr=SsrMode::Async />
                        <Route path=path!("/verify/:code") view=VerifyPage ssr=SsrMode::Async />
                        <Route path=path!("/compliance/exemptions") view=ExemptionsPage ssr=SsrMode::Async />
                        <Route path=path!("/compliance/records") view=RecordsPage ssr=SsrMode::Async />
                        <Route path=path!("/compliance/sessions") view=SessionsPage ssr=SsrMode::Async />
                        <Route path=path!("/compliance/evidence") view=EvidencePage ssr=SsrMode::Async />
                        <Route path=path!("/compliance/audit") view=AuditLogPage ssr=SsrMode::Async />
                        <Route path=path!("/compliance/mail") view=MailQueuePage ssr=SsrMode::Async />
                        <Route path=path!("/compliance/mail/templates") view=MailTemplatesPage ssr=SsrMode::Async />
                        <Route path=path!("/compliance/reminders") view=ReminderSettingsPage ssr=SsrMode::Async />
                        <Route path=path!("/team") view=TeamPage ssr=SsrMode::Async />
                        <Route path=path!("/team/:id") view=TeamMemberPage ssr=SsrMode::Async />
                        <Route path=path!("/compliance") view=CompliancePage ssr=SsrMode::Async />
                        <Route path=path!("/content") view=ContentPage ssr=SsrMode::Async />
                        <Route path=path!("/content/course/:slug") view=CourseDetailPage ssr=SsrMode::Async />
                        <Route path=path!("/content/course/:slug/v/:version") view=VersionPage ssr=SsrMode::Async />
                        <Route path=path!("/content/course/:slug/retire") view=RetirePage ssr=SsrMode::Async />
                        <Route path=path!("/content/draft/:id") view=DraftPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/people") view=PeoplePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/people/new") view=PersonEditPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/people/import") view=PeopleImportPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/people/import/:id") view=PeopleImportPreviewPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/people/:id") view=PersonEditPage ssr=SsrMode::Async />

                        <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    </Routes>
                </Layout>
            </SessionProvider>
        </Router>
    }
}
