//! The certificate and its public verification page: open to anyone with the code, no sign-in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::training::{CertificateStatus, CertificateView, verify_certificate};
use crate::components::alerts::ErrorAlert;
use crate::components::time::date;
use crate::domain::language_names::language_name;

/// `/verify/:code`
#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let certificate = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        verify_certificate,
    );
    view! {
        <Title text="Certificate" />
        <Suspense fallback=|| view! { <p class="loading">"Checking the certificate…"</p> }>
            {move || Suspend::new(async move {
                match certificate.await {
                    Ok(certificate) => view! { <Certificate certificate /> }.into_any(),
                    Err(error) => view! {
                        <section class="page narrow">
                            <h1>"Certificate not found"</h1>
                            <ErrorAlert error=Signal::stored(Some(error)) />
                            <p>"Check the code on the certificate. Codes look like K7QF-3M2X-9TZA."</p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Certificate(certificate: CertificateView) -> impl IntoView {
    let (label, class) = match &certificate.status {
        CertificateStatus::Valid { until: Some(until) } => (
            format!("Valid until {}", date(*until)),
            "alert alert-success",
        ),
        CertificateStatus::Valid { until: None } => ("Valid".to_owned(), "alert alert-success"),
        CertificateStatus::Expired { on } => (
            format!("Expired on {}: the training is due again", date(*on)),
            "alert alert-warning",
        ),
        CertificateStatus::Superseded { version } => (
            format!(
                "No longer current: version {version} of the course changed what people must know"
            ),
            "alert alert-warning",
        ),
        CertificateStatus::Voided => ("Voided by an administrator".to_owned(), "alert alert-error"),
    };
    let verb = if certificate.score.is_some() {
        "completed"
    } else {
        "acknowledged"
    };
    view! {
        <article class="certificate" aria-labelledby="certificate-title">
            <p class="eyebrow">"Vigil · certificate of completion"</p>
            <h1 id="certificate-title">{certificate.name.clone()}</h1>
            <p class="certificate-line">{format!("{verb} {}", certificate.kind.label().to_lowercase())}</p>
            <p class="certificate-course" lang=certificate.language.clone()>{certificate.course_title.clone()}</p>
            <dl class="details">
                <dt>"Date"</dt><dd>{date(certificate.completed_on)}</dd>
                <dt>"Version"</dt><dd>{format!("{}", certificate.version)}</dd>
                {certificate.language.as_deref().map(|tag| view! { <dt>"Language"</dt><dd>{language_name(tag)}</dd> })}
                {certificate.score.map(|score| view! { <dt>"Score"</dt><dd>{format!("{score}%")}</dd> })}
                <dt>"Content hash"</dt><dd><code class="hash">{certificate.content_hash.clone()}</code></dd>
                <dt>"Verification code"</dt><dd><code>{certificate.code.clone()}</code></dd>
            </dl>
            <div class=class role="status"><p><strong>{label}</strong></p></div>
            <p class="muted">{format!("Anyone can check this certificate at /verify/{} on this Vigil site.", certificate.code)}</p>
        </article>
    }
}
