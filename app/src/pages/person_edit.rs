//! Adding and editing a person: details, job roles, manager, administrator rights, and
//! deactivation with an explicit confirmation.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::people::{
    DeactivatePerson, PersonForm, SavePerson, SendInvitation, get_person_form,
};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::delivery::DeliveryText;
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::account_link::InvitationState;
use crate::domain::permissions::Permission;
use crate::dto::mail::{InvitationView, MessageRow};

/// `/admin/people/new` and `/admin/people/:id`
#[component]
pub fn PersonEditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let save = ServerAction::<SavePerson>::new();
    let deactivate = ServerAction::<DeactivatePerson>::new();
    let invite = ServerAction::<SendInvitation>::new();
    let form = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                save.version().get(),
                deactivate.version().get(),
                invite.version().get(),
            )
        },
        |(id, _, _, _)| get_person_form(id),
    );
    let notice = Signal::derive(move || {
        let query = query.read();
        if query.get("added").as_deref() == Some("invited") {
            Some(
                "Added. Their invitation is queued and will be emailed shortly; its delivery is shown below.",
            )
        } else if query.get("added").is_some() {
            Some(
                "Added. They cannot sign in until they have a password: send them an invitation below.",
            )
        } else if query.get("invited").is_some() {
            Some(
                "Invitation queued; any earlier invitation no longer works. Its delivery is shown below.",
            )
        } else if query.get("saved").is_some() {
            Some("Saved. Training obligations follow the new details straight away.")
        } else if query.get("deactivated").is_some() {
            Some(
                "Deactivated. Their sessions have ended and they owe no more training; their records stay.",
            )
        } else {
            None
        }
    });
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let deactivate_error = Signal::derive(move || deactivate.value().get().and_then(Result::err));
    let invite_error = Signal::derive(move || invite.value().get().and_then(Result::err));
    view! {
        <Protected require=Permission::ManagePeople let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/admin/people">"People"</a></p>
                <SuccessAlert message=notice />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match form.await {
                            Ok(person) => view! {
                                <Details person save save_error deactivate deactivate_error invite invite_error />
                            }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Details(
    person: PersonForm,
    save: ServerAction<SavePerson>,
    save_error: Signal<Option<crate::error::AppError>>,
    deactivate: ServerAction<DeactivatePerson>,
    deactivate_error: Signal<Option<crate::error::AppError>>,
    invite: ServerAction<SendInvitation>,
    invite_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let mail_on = person.mail.is_on();
    let editable = person.editable;
    let mail_off_notice = person.mail.off_notice();
    let invitation = person.invitation.clone();
    let messages = person.messages.clone();
    let is_new = person.public_id.is_empty();
    let heading = if is_new {
        "Add a person".to_owned()
    } else {
        person.name.clone()
    };
    let public_id = person.public_id.clone();
    let active = person.active;
    view! {
           <Title text=heading.clone() />
           <h1>{heading}</h1>
           {(!is_new && !active).then(|| view! { <p class="lead">"This person is deactivated: they cannot sign in and owe no training. Their records are kept."</p> })}
           <ErrorAlert error=save_error />
           {(!editable).then(|| view! {
               <div class="alert alert-error" role="alert"><p>"This person is an administrator with rights you do not hold, so only an administrator who holds them can change or deactivate them."</p></div>
           })}
           <ActionForm action=save attr:class="form" attr:aria-label="Person">
               <fieldset class="plain" disabled=!editable>
               <input type="hidden" name="public_id" value=person.public_id.clone() />
               <div class="field"><label for="name">"Full name"</label><input id="name" name="name" type="text" required maxlength="120" value=person.name.clone() /></div>
               <div class="field"><label for="email">"Email address"</label><input id="email" name="email" type="email" required maxlength="254" value=person.email.clone() /></div>
               <div class="field">
                   <label for="department">"Department"</label>
                   <input id="department" name="department" type="text" list="departments" maxlength="80" value=person.department.clone() aria-describedby="department-hint" />
                   <datalist id="departments">{person.departments.iter().map(|d| view! { <option value=d.clone()></option> }).collect_view()}</datalist>
                   <p class="hint" id="department-hint">"A new name creates the department."</p>
               </div>
               <div class="field"><label for="job_title">"Job title"</label><input id="job_title" name="job_title" type="text" maxlength="120" value=person.job_title.clone() /></div>
               <div class="field">
                   <label for="hire_date">"Hire date"</label>
                   <input id="hire_date" name="hire_date" type="date" required value=person.hire_date.clone() aria-describedby="hire-hint" />
                   <p class="hint" id="hire-hint">"New hires' first due dates count from this day."</p>
               </div>
               <div class="field">
                   <label for="manager_email">"Manager"</label>
                   <select id="manager_email" name="manager_email">
                       <option value="" selected=person.manager_email.is_empty()>"No manager (top of the tree)"</option>
                       {person.people.iter().filter(|(email, _)| *email != person.email).map(|(email, name)| view! {
                           <option value=email.clone() selected=*email == person.manager_email>{format!("{name} <{email}>")}</option>
                       }).collect_view()}
                   </select>
               </div>
               {(person.languages.len() > 1 || !person.language.is_empty()).then(|| view! {
                   <div class="field">
                       <input type="hidden" name="language_shown" value="yes" />
                       <label for="language">"Course language"</label>
                       <select id="language" name="language" aria-describedby="language-hint">
                           <option value="" selected=person.language.is_empty()>"Each course's own language"</option>
                           {person.languages.iter().map(|tag| view! {
                               <option value=tag.clone() selected=*tag == person.language>{tag.clone()}</option>
                           }).collect_view()}
                       </select>
                       <p class="hint" id="language-hint">"Courses available in this language are shown in it; the others in their own. The person can also change it on their account page."</p>
                   </div>
               })}
               <fieldset class="field">
                   <legend>"Job roles"</legend>
                   <p class="hint">"Assignment rules give courses to job roles."</p>
                   {person.role_choices.iter().map(|(slug, name)| {
                       let input_id = format!("role-{slug}");
                       let label_for = input_id.clone();
                       view! {
                           <label class="check" for=label_for>
                               <input id=input_id type="checkbox"
    name=format!("roles[{slug}]") value="yes" checked=person.roles.contains(slug) />
                               {name.clone()}
                           </label>
                       }
                   }).collect_view()}
               </fieldset>
               <fieldset class="field">
                   <legend>"Administrator rights"</legend>
                   {if person.may_change_compliance {
                       view! {
                           <input type="hidden" name="compliance_admin_shown" value="yes" />
                           <label class="check" for="compliance_admin">
                               <input id="compliance_admin" type="checkbox" name="compliance_admin" value="yes" checked=person.compliance_admin />
                               "Compliance admin: content, rules, reports and evidence"
                           </label>
                       }.into_any()
                   } else {
                       view! { <p>{format!("Compliance admin: {}", if person.compliance_admin { "yes" } else { "no" })}</p> }.into_any()
                   }}
                   {if person.may_change_platform {
                       view! {
                           <input type="hidden" name="platform_admin_shown" value="yes" />
                           <label class="check" for="platform_admin">
                               <input id="platform_admin" type="checkbox" name="platform_admin" value="yes" checked=person.platform_admin />
                               "Platform admin: people and accounts"
                           </label>
                       }.into_any()
                   } else {
                       view! { <p>{format!("Platform admin: {}", if person.platform_admin { "yes" } else { "no" })}</p> }.into_any()
                   }}
                   <p class="hint">"Only a compliance admin grants compliance admin, only a platform admin grants platform admin, and nobody changes their own."</p>
               </fieldset>
               {is_new.then(|| view! {
                   <fieldset class="field">
                       <legend>"Signing in"</legend>
                       <label class="check" for="invite">
                           <input id="invite" type="checkbox" name="invite" value="yes" checked=mail_on disabled=!mail_on />
                           "Email them an invitation to choose a password"
                       </label>
                       <p class="hint">{mail_off_notice.unwrap_or("The link works once and expires after a few days; you can send another from their page.")}</p>
                   </fieldset>
               })}
               <button type="submit" class="button button-primary">{if is_new { "Add person" } else { "Save changes" }}</button>
               </fieldset>
           </ActionForm>
           {invitation.map(|invitation| view! {
               <SignIn invitation public_id=public_id.clone() active mail_on mail_off_notice invite invite_error />
           })}
           {(!is_new).then(|| view! { <Messages messages /> })}
           {(!is_new && active && editable).then(|| view! {
               <section class="danger-zone" aria-labelledby="deactivate">
                   <h2 id="deactivate">"Deactivate"</h2>
                   <p>"Deactivating ends every session at once. They owe no more training and drop out of compliance figures from today; what they completed stays on record."</p>
                   <ErrorAlert error=deactivate_error />
                   <ActionForm action=deactivate attr:class="form">
                       <input type="hidden" name="public_id" value=public_id.clone() />
                       <label class="check" for="confirm">
                           <input id="confirm" type="checkbox" name="confirm" value="yes" required />
                           "I understand this person will no longer be able to sign in."
                       </label>
                       <button type="submit" class="button button-danger">"Deactivate"</button>
                   </ActionForm>
               </section>
           })}
       }
}

/// Whether the person can sign in, their invitation, and sending one (again).
#[component]
fn SignIn(
    invitation: InvitationView,
    public_id: String,
    active: bool,
    mail_on: bool,
    mail_off_notice: Option<&'static str>,
    invite: ServerAction<SendInvitation>,
    invite_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let state = invitation.state;
    let summary = match state {
        InvitationState::NotInvited => {
            "Not invited: they cannot sign in until they have a password.".to_owned()
        }
        InvitationState::PasswordSet => "They have a password and can sign in.".to_owned(),
        InvitationState::Pending { expires_at } => {
            format!("Invited; the link works until {}.", date_time(expires_at))
        }
        InvitationState::Accepted { at } => {
            format!("Accepted their invitation on {}.", date_time(at))
        }
        InvitationState::Expired { at } => {
            format!("Their invitation expired on {}.", date_time(at))
        }
    };
    let can_invite = active && state.can_invite();
    view! {
        <section aria-labelledby="sign-in">
            <h2 id="sign-in">"Signing in"</h2>
            <p><span class="status">{state.label()}</span>" "{summary}</p>
            {invitation.delivery.map(|delivery| view! { <p>"Invitation email: "<DeliveryText delivery /></p> })}
            <ErrorAlert error=invite_error />
            {(can_invite && !mail_on).then(|| view! { <p class="hint">{mail_off_notice.unwrap_or_default()}</p> })}
            {(can_invite && mail_on).then(|| view! {
                <ActionForm action=invite attr:class="inline-form">
                    <input type="hidden" name="public_id" value=public_id />
                    <button type="submit" class="button">
                        {if matches!(state, InvitationState::NotInvited) { "Send invitation" } else { "Send a new invitation" }}
                    </button>
                </ActionForm>
            })}
        </section>
    }
}

/// The newest emails to this person, each with its delivery as it stands.
#[component]
fn Messages(messages: Vec<MessageRow>) -> impl IntoView {
    view! {
        <section aria-labelledby="emails">
            <h2 id="emails">"Emails"</h2>
            {if messages.is_empty() {
                view! { <p class="muted">"No email has been queued for them."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table aria-labelledby="emails">
                            <thead><tr><th scope="col">"Message"</th><th scope="col">"Delivery"</th></tr></thead>
                            <tbody>
                                {messages.into_iter().map(|row| view! {
                                    <tr>
                                        <th scope="row">{row.subject}<br /><span class="muted">{row.kind.label()}</span></th>
                                        <td><DeliveryText delivery=row.delivery /></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
