//! `/compliance/mail/templates`: every message template, rendered with sample data.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::mail_admin::{TemplatePreview, get_template_previews};
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// `/compliance/mail/templates`
#[component]
pub fn MailTemplatesPage() -> impl IntoView {
    let previews = Resource::new(|| (), |_| get_template_previews());
    view! {
        <Title text="Email templates" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a>" · "<a href="/compliance/mail">"Email"</a></p>
                <h1>"Email templates"</h1>
                <p class="lead">"Each message has a plain-text part and an HTML part, both made from one Markdown template. Names, course titles and other values are inserted as text, never as links or markup. Shown here with made-up data."</p>
                <Suspense fallback=|| view! { <p class="loading">"Rendering…"</p> }>
                    {move || Suspend::new(async move {
                        match previews.await {
                            Ok(previews) => previews.into_iter().map(|preview| view! { <Preview preview /> }).collect_view().into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Preview(preview: TemplatePreview) -> impl IntoView {
    let heading = format!("template-{}", preview.slug);
    let labelled_by = heading.clone();
    view! {
        <article class="card template-preview" aria-labelledby=labelled_by>
            <h2 id=heading>{preview.slug.clone()}</h2>
            <p>{preview.description}</p>
            <dl class="details">
                <dt>"Subject"</dt><dd>{preview.subject}</dd>
                <dt>"Variables"</dt><dd>{preview.variables.iter().map(|v| format!("{{{{{v}}}}}")).collect::<Vec<_>>().join(", ")}</dd>
            </dl>
            <h3>"HTML part"</h3>
            // Sanitized on the server by the same pipeline as course content.
            <div class="email-preview prose" inner_html=preview.html></div>
            <details>
                <summary>"Plain-text part"</summary>
                <pre class="example">{preview.text}</pre>
            </details>
            <details>
                <summary>"Template source"</summary>
                <pre class="example">{preview.source}</pre>
            </details>
        </article>
    }
}
