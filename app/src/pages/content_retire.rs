//! Confirming that a course should be retired.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::content::RetireCourse;
use crate::components::alerts::ErrorAlert;
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// `/content/course/:slug/retire`
#[component]
pub fn RetirePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let retire = ServerAction::<RetireCourse>::new();
    let error = Signal::derive(move || retire.value().get().and_then(Result::err));
    view! {
        <Title text="Retire course" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page narrow">
                <h1>"Retire " <code>{slug}</code> "?"</h1>
                <p>"Once retired, nobody is assigned this course and nobody owes it. Everything already recorded stays: every version, every completion, every certificate. You can restore the course later."</p>
                <ErrorAlert error />
                <ActionForm action=retire attr:class="form">
                    <input type="hidden" name="slug" value=slug />
                    <div class="field">
                        <label for="reason">"Reason (kept in the audit log)"</label>
                        <textarea id="reason" name="reason" rows="3" maxlength="200"></textarea>
                    </div>
                    <div class="checkbox">
                        <input id="confirm" name="confirm" type="checkbox" value="yes" required />
                        <label for="confirm">"I understand that people will no longer be assigned this course."</label>
                    </div>
                    <div class="actions">
                        <button type="submit" class="button button-danger">"Retire the course"</button>
                        <a href=move || format!("/content/course/{}", slug())>"Cancel"</a>
                    </div>
                </ActionForm>
            </section>
        </Protected>
    }
}
