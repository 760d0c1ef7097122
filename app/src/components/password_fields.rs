//! The "new password" and "again" fields, with the policy's hint, wherever a password is chosen.

use leptos::prelude::*;

use crate::domain::password_policy::MIN_LENGTH;

/// `new_password` and `confirm_password` inputs.
#[component]
pub fn NewPasswordFields() -> impl IntoView {
    view! {
        <div class="field">
            <label for="new_password">"New password"</label>
            <input id="new_password" name="new_password" type="password" autocomplete="new-password"
                required minlength=MIN_LENGTH aria-describedby="new-password-hint" />
            <p class="hint" id="new-password-hint">
                {format!("At least {MIN_LENGTH} characters. Three or four unrelated words are strong and easy to remember.")}
            </p>
        </div>
        <div class="field">
            <label for="confirm_password">"New password again"</label>
            <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required />
        </div>
    }
}
