//! The document shell and the route table.

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::components::{layout::Layout, session::SessionProvider};
use crate::pages::{
    account::AccountPage,
    account_link::{InvitationPage, ResetPasswordPage},
    api_tokens::TokensPage,
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
    facilitator::{FacilitatorListPage, FacilitatorPage},
    forgot_password::ForgotPasswordPage,
    home::HomePage,
    login::LoginPage,
    mail_queue::MailQueuePage,
    mail_templates::MailTemplatesPage,
    not_found::NotFound,
    organisation::OrganisationPage,
    people::PeoplePage,
    people_import::{PeopleImportPage, PeopleImportPreviewPage},
    person_edit::PersonEditPage,
    programme_reviews::ProgrammeReviewsPage,
    question_stats::QuestionStatsPage,
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
                        <Route path=path!("/login") view={Lazy::<routes::LoginPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/forgot-password") view={Lazy::<routes::ForgotPasswordPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/invite/:token") view={Lazy::<routes::InvitationPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/reset-password/:token") view={Lazy::<routes::ResetPasswordPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/") view={Lazy::<routes::HomePage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/training") view={Lazy::<routes::TrainingPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/training/:slug") view={Lazy::<routes::TrainingCoursePage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/training/:slug/lesson/:number") view={Lazy::<routes::LessonPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/training/:slug/quiz/:attempt") view={Lazy::<routes::QuizPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/training/:slug/result/:sequence") view={Lazy::<routes::ResultPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/verify/:code") view={Lazy::<routes::VerifyPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/exemptions") view={Lazy::<routes::ExemptionsPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/records") view={Lazy::<routes::RecordsPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/sessions") view={Lazy::<routes::SessionsPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/evidence") view={Lazy::<routes::EvidencePage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/audit") view={Lazy::<routes::AuditLogPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/mail") view={Lazy::<routes::MailQueuePage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/mail/templates") view={Lazy::<routes::MailTemplatesPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/reminders") view={Lazy::<routes::ReminderSettingsPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance/reviews") view={Lazy::<routes::ProgrammeReviewsPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/facilitator") view={Lazy::<routes::FacilitatorListPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/facilitator/:slug") view={Lazy::<routes::FacilitatorPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/team") view={Lazy::<routes::TeamPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/team/:id") view={Lazy::<routes::TeamMemberPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/compliance") view={Lazy::<routes::CompliancePage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/content") view={Lazy::<routes::ContentPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/content/organisation") view={Lazy::<routes::OrganisationPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/content/course/:slug") view={Lazy::<routes::CourseDetailPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/content/course/:slug/v/:version") view={Lazy::<routes::VersionPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/content/course/:slug/v/:version/questions") view={Lazy::<routes::QuestionStatsPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/content/course/:slug/retire") view={Lazy::<routes::RetirePage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/content/draft/:id") view={Lazy::<routes::DraftPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/people") view={Lazy::<routes::PeoplePage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/tokens") view={Lazy::<routes::TokensPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/people/new") view={Lazy::<routes::PersonEditPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/people/import") view={Lazy::<routes::PeopleImportPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/people/import/:id") view={Lazy::<routes::PeopleImportPreviewPage>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/admin/people/:id") view={Lazy::<routes::PersonEditPage>::new()} ssr=SsrMode::Async />

                        <Route path=path!("/account") view={Lazy::<routes::AccountPage>::new()} ssr=SsrMode::Async />
                    </Routes>
                </Layout>
            </SessionProvider>
        </Router>
    }
}

/// Each page is a lazily loaded route. The optimized build (`--cfg vigil_split` with cargo-leptos
/// `--split`, see `make release`) puts each page's code in its own file that the browser fetches
/// when the page is first shown, so the first download holds only the shell; other builds keep
/// one file, and the routes load at once.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {
        mod routes {
            use leptos::prelude::*;
            $(
                pub struct $route;

                #[cfg(vigil_split)]
                #[leptos_router::lazy_route]
                impl leptos_router::LazyRoute for $route {
                    fn data() -> Self {
                        $route
                    }

                    fn view(this: Self) -> AnyView {
                        let _ = this;
                        $page().into_any()
                    }
                }

                #[cfg(not(vigil_split))]
                impl leptos_router::LazyRoute for $route {
                    fn data() -> Self {
                        $route
                    }

                    async fn view(_: Self) -> AnyView {
                        $page().into_any()
                    }
                }
            )*
        }
    };
}

lazy_pages! {
    LoginPage => super::LoginPage,
    ForgotPasswordPage => super::ForgotPasswordPage,
    InvitationPage => super::InvitationPage,
    ResetPasswordPage => super::ResetPasswordPage,
    HomePage => super::HomePage,
    TrainingPage => super::TrainingPage,
    TrainingCoursePage => super::TrainingCoursePage,
    LessonPage => super::LessonPage,
    QuizPage => super::QuizPage,
    ResultPage => super::ResultPage,
    VerifyPage => super::VerifyPage,
    ExemptionsPage => super::ExemptionsPage,
    RecordsPage => super::RecordsPage,
    SessionsPage => super::SessionsPage,
    EvidencePage => super::EvidencePage,
    AuditLogPage => super::AuditLogPage,
    MailQueuePage => super::MailQueuePage,
    MailTemplatesPage => super::MailTemplatesPage,
    ReminderSettingsPage => super::ReminderSettingsPage,
    ProgrammeReviewsPage => super::ProgrammeReviewsPage,
    QuestionStatsPage => super::QuestionStatsPage,
    FacilitatorListPage => super::FacilitatorListPage,
    FacilitatorPage => super::FacilitatorPage,
    TeamPage => super::TeamPage,
    TeamMemberPage => super::TeamMemberPage,
    CompliancePage => super::CompliancePage,
    ContentPage => super::ContentPage,
    OrganisationPage => super::OrganisationPage,
    CourseDetailPage => super::CourseDetailPage,
    VersionPage => super::VersionPage,
    RetirePage => super::RetirePage,
    DraftPage => super::DraftPage,
    PeoplePage => super::PeoplePage,
    TokensPage => super::TokensPage,
    PersonEditPage => super::PersonEditPage,
    PeopleImportPage => super::PeopleImportPage,
    PeopleImportPreviewPage => super::PeopleImportPreviewPage,
    AccountPage => super::AccountPage
}
