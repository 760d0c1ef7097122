//! Evidence packs: the signing key, and downloading a pack for an audit period.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::records_admin::evidence_key;
use crate::api::witnesses::{AddWitness, RemoveWitness, list_witnesses};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::delivery::DeliveryText;
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;
use crate::dto::witness::WitnessesView;

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
                <Witnesses />
            </section>
        </Protected>
    }
}

/// Who is sent the ledger's checkpoints.
#[component]
fn Witnesses() -> impl IntoView {
    let add = ServerAction::<AddWitness>::new();
    let remove = ServerAction::<RemoveWitness>::new();
    let query = use_query_map();
    let list = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| list_witnesses(),
    );
    let notice = Signal::derive(move || match query.read().get("witness").as_deref() {
        Some("added") => {
            Some("The witness is added. They are sent the newest checkpoint within a few minutes.")
        }
        Some("removed") => Some(
            "The witness is no longer sent checkpoints. What they were sent stays in the evidence.",
        ),
        _ => None,
    });
    let error = Signal::derive(move || {
        add.value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    });
    view! {
        <h2 id="witnesses">"Witnesses"</h2>
        <p>"Witnesses keep the ledger's signed checkpoints outside Vigil: an auditor, your internal audit team's mailbox, or a service that stores them. Once a witness holds a checkpoint, no one with access to this server's database can rewrite the records it covers without it showing. Each evidence pack lists the checkpoints sent in its period and to whom."</p>
        <SuccessAlert message=notice />
        <ErrorAlert error />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(view) => view! { <WitnessTable view remove /> }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
        <h3 id="add-witness">"Add a witness"</h3>
        <ActionForm action=add attr:class="form" attr:aria-labelledby="add-witness">
            <div class="field"><label for="witness-name">"Name"</label><input id="witness-name" name="name" type="text" required maxlength="200" /></div>
            <div class="field">
                <label for="witness-target">"Email address or web address"</label>
                <input id="witness-target" name="target" type="text" required maxlength="500" aria-describedby="witness-target-hint" />
                <p class="hint" id="witness-target-hint">"An email address is sent each checkpoint in a message. A web address (https://…) is sent each checkpoint as the body of a POST request (text/plain), exactly as signed."</p>
            </div>
            <div class="field">
                <label for="witness-cadence">"Send"</label>
                <select id="witness-cadence" name="cadence">
                    <option value="each">"Each new checkpoint"</option>
                    <option value="daily">"Once a day"</option>
                </select>
            </div>
            <button type="submit" class="button button-primary">"Add witness"</button>
        </ActionForm>
    }
}

#[component]
fn WitnessTable(view: WitnessesView, remove: ServerAction<RemoveWitness>) -> impl IntoView {
    let mail_off = (!view.mail_on && view.witnesses.iter().any(|w| !w.by_web)).then(|| view! {
        <div class="alert alert-warning" role="status"><p>"Mail delivery is off on this server, so checkpoints for email witnesses stay queued and are not sent. Configure SMTP (docs/configuration.md) or use a web address."</p></div>
    });
    if view.witnesses.is_empty() {
        return view! { <div class="empty-state"><p>"No witnesses yet. Without one, only this server holds the checkpoints."</p></div> }.into_any();
    }
    view! {
        {mail_off}
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Witnesses"</caption>
                <thead><tr>
                    <th scope="col">"Witness"</th><th scope="col">"Sent"</th>
                    <th scope="col">"Newest checkpoint"</th><th scope="col">"Since"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {view.witnesses.into_iter().map(|row| {
                        let confirm_id = format!("witness-confirm-{}", row.id);
                        let confirm_for = confirm_id.clone();
                        view! {
                            <tr>
                                <th scope="row">{row.name}<br /><span class="muted">{row.target}</span></th>
                                <td>{row.cadence}{if row.by_web { " by web request" } else { " by email" }}</td>
                                <td>{match row.last {
                                    Some((size, delivery)) => view! {
                                        {format!("{size} records: ")}<DeliveryText delivery />
                                    }.into_any(),
                                    None => view! { <span class="muted">"None queued yet"</span> }.into_any(),
                                }}</td>
                                <td>{date_time(row.added_at)}</td>
                                <td>
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="id" value=row.id />
                                        <label for=confirm_for><input id=confirm_id type="checkbox" name="confirm" value="yes" required />" Confirm"</label>
                                        <button type="submit" class="button button-danger button-small">"Stop sending"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
