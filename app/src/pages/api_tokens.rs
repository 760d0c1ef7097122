//! API tokens: for scripts that read reports or download evidence, and for the directory's SCIM
//! provisioning. A new token's secret is shown once.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::api_tokens::{CreateToken, RevokeToken, list_tokens, take_new_token};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;
use crate::dto::api_token::TokenRow;

/// `/admin/tokens`
#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let query = use_query_map();
    let rows = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let fresh = Resource::new(move || create.version().get(), |_| take_new_token());
    let notice = Signal::derive(move || {
        query
            .read()
            .get("revoked")
            .map(|_| "The token is revoked. Requests that present it are refused from now on.")
    });
    let error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
    });
    view! {
        <Title text="API tokens" />
        <Protected require=Permission::ManagePeople let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/admin/people">"People"</a></p>
                <h1>"API tokens"</h1>
                <p class="lead">"A token lets a script or service call Vigil without signing in: reading the exports, downloading evidence packs, or provisioning people over SCIM. Send it as "<code>"Authorization: Bearer …"</code>"; it is never accepted from a cookie. Each token does one thing, expires, and can be revoked at once."</p>
                <SuccessAlert message=notice />
                <ErrorAlert error />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        fresh.await.ok().flatten().map(|secret| view! {
                            <div class="alert alert-success" role="status">
                                <p><strong>"Copy the new token now: it is not shown again."</strong></p>
                                <p><label for="new-token">"New token"</label></p>
                                <input id="new-token" class="token" type="text" readonly value=secret />
                            </div>
                        })
                    })}
                </Suspense>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match rows.await {
                            Ok(rows) => view! { <TokenTable rows revoke /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
                <h2 id="create-token">"Create a token"</h2>
                <ActionForm action=create attr:class="form" attr:aria-labelledby="create-token">
                    <div class="field"><label for="token-name">"Name"</label><input id="token-name" name="name" type="text" required maxlength="100" aria-describedby="token-name-hint" /><p class="hint" id="token-name-hint">"What uses it, e.g. \"Entra ID provisioning\" or \"Quarterly audit export\"."</p></div>
                    <div class="field">
                        <label for="token-scope">"Allowed to"</label>
                        <select id="token-scope" name="scope">
                            <option value="reports:read">"Read reports and exports (compliance administrators)"</option>
                            <option value="evidence:export">"Download evidence packs (compliance administrators)"</option>
                            <option value="scim">"SCIM provisioning (platform administrators)"</option>
                        </select>
                    </div>
                    <div class="field"><label for="token-days">"Expires after (days)"</label><input id="token-days" name="days" type="number" min="1" max="730" value="90" required /></div>
                    <button type="submit" class="button button-primary">"Create token"</button>
                </ActionForm>
            </section>
        </Protected>
    }
}

#[component]
fn TokenTable(rows: Vec<TokenRow>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <div class="empty-state"><p>"No API tokens yet."</p></div> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"API tokens"</caption>
                <thead><tr>
                    <th scope="col">"Token"</th><th scope="col">"Allowed to"</th><th scope="col">"Created"</th>
                    <th scope="col">"Expires"</th><th scope="col">"Last used"</th><th scope="col">"Status"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let confirm_id = format!("token-confirm-{}", row.id);
                        let confirm_for = confirm_id.clone();
                        let status = if row.revoked_at.is_some() {
                            "Revoked"
                        } else if row.expired {
                            "Expired"
                        } else {
                            "Active"
                        };
                        view! {
                            <tr class:inactive=row.revoked_at.is_some() || row.expired>
                                <th scope="row">{row.name}<br /><span class="muted">{format!("…{}", row.hint)}</span></th>
                                <td>{row.scope}<br /><code>{row.scope_id}</code></td>
                                <td>{date_time(row.created_at)}<br /><span class="muted">{row.created_by}</span></td>
                                <td>{date_time(row.expires_at)}</td>
                                <td>{row.last_used_at.map(date_time).unwrap_or_else(|| "Never".to_owned())}</td>
                                <td>
                                    {status}
                                    {row.may_revoke.then(|| view! {
                                        <ActionForm action=revoke attr:class="inline-form">
                                            <input type="hidden" name="id" value=row.id />
                                            <label for=confirm_for><input id=confirm_id type="checkbox" name="confirm" value="yes" required />" Confirm"</label>
                                            <button type="submit" class="button button-danger button-small">"Revoke"</button>
                                        </ActionForm>
                                    })}
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
