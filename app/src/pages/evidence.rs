//! Evidence packs: the signing key, and downloading a pack for an audit period.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::records_admin::evidence_key;
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// `/compliance/evidence`
#[component]
pub fn EvidencePage() -> impl IntoView {
    let key = Resource::new(|| (), |_| evidence_key());
    view! {
        <Title text="Evidence packs" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a></p>
                <h1>"Evidence packs"</h1>
                <p class="lead">"One signed zip for an audit period: the roster at the period's end reconciled against training obligations, every completion record with its course version and content hash, the exact course texts, acknowledgements, instructor-led sessions, exemptions, reminders, the audit log, and a summary for ISO 27001, SOC 2, PCI DSS, HIPAA and NIST SP 800-53."</p>
                <form method="post" action="/evidence/pack.zip" class="filters" aria-label="Download an evidence pack">
                    <div class="field"><label for="period-from">"First day"</label><input id="period-from" name="from" type="date" required /></div>
                    <div class="field"><label for="period-to">"Last day"</label><input id="period-to" name="to" type="date" required /></div>
                    <div class="actions"><button type="submit" class="button button-primary">"Download the evidence pack"</button></div>
                </form>
                <h2>"Signing key"</h2>
                <p>"Packs are signed with this server's Ed25519 key. Give the public key to your auditor, or ask them to compare the fingerprint: see docs/evidence.md for checking a pack with OpenSSL."</p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match key.await {
                            Ok(key) => view! {
                                <p>"Fingerprint: "<code class="hash">{key.fingerprint}</code></p>
                                <pre><code>{key.public_key_pem}</code></pre>
                            }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}
