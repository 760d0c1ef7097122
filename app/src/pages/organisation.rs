//! `/content/organisation`: the organisation's details that courses use in place of
//! placeholders such as `{{contacts.security_email}}`.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::organisation::{SaveOrganisation, get_organisation};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;
use crate::dto::organisation::{OrganisationView, VariableRow, field_name};

/// `/content/organisation`
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SaveOrganisation>::new();
    let details = Resource::new(move || save.version().get(), |_| get_organisation());
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = Signal::derive(move || {
        query.read().get("saved").map(|count| match count.as_str() {
            "0" => "Saved. No course text changed.",
            "1" => "Saved. One course was published again with the new details (not a material change: nobody has to retake it).",
            _ => "Saved. The courses that use a changed detail were published again with it (not a material change: nobody has to retake them).",
        })
    });
    view! {
        <Title text="Organisation details" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/content">"Content"</a></p>
                <h1>"Organisation details"</h1>
                <p class="lead">"Courses name your organisation's contacts through placeholders such as "<code>"{{contacts.security_email}}"</code>". Set them here; every course that uses a changed one is published again as a new version, which records the values it shows, so evidence says exactly what each person read."</p>
                <SuccessAlert message=saved />
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match details.await {
                            Ok(view) => view! { <Form view save /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Form(view: OrganisationView, save: ServerAction<SaveOrganisation>) -> impl IntoView {
    let unset: Vec<String> = view
        .unset_in_use()
        .iter()
        .map(|v| format!("{} (shown as “{}”)", v.key, v.shown_unset))
        .collect();
    view! {
        {(!unset.is_empty()).then(|| view! {
            <div class="alert alert-error" role="alert">
                <p>"Courses use details that are not set yet, so readers see a bracketed description in their place: " {unset.join("; ")} "."</p>
            </div>
        })}
        <ActionForm action=save attr:class="form" attr:aria-label="Organisation details">
            {view.variables.into_iter().map(|row| view! { <Field row /> }).collect_view()}
            <button type="submit" class="button button-primary">"Save details"</button>
        </ActionForm>
    }
}

#[component]
fn Field(row: VariableRow) -> impl IntoView {
    let id = field_name(&row.key);
    let name = format!("values[{id}]");
    let hint_id = format!("{id}-hint");
    let used = if row.used_by.is_empty() {
        "No current course uses it.".to_owned()
    } else {
        format!("Used by: {}.", row.used_by.join(", "))
    };
    let configured = row.configured;
    view! {
        <div class="field">
            <label for=id.clone()>{row.label}" "<code>{format!("{{{{{}}}}}", row.key)}</code></label>
            <input
                id=id
                name=name
                type="text"
                maxlength="200"
                value=row.value
                placeholder=format!("e.g. {}", row.example)
                readonly=configured
                aria-describedby=hint_id.clone()
            />
            <p class="hint" id=hint_id>
                {configured.then_some("Set in the configuration file (VIGIL_ORGANISATION_FILE); change it there. ")}
                {used}
            </p>
        </div>
    }
}
