//! The browser editor: a draft's Markdown and metadata, every validation problem, a rendered
//! preview, and publishing. Works as plain HTML forms without JavaScript.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::content::{
    AddDraftLesson, DiscardDraft, DraftView, RemoveDraftFile, SaveDraft, get_draft,
};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::preview::ContentPreview;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;

/// `/content/draft/:id`
#[component]
pub fn DraftPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let actions = Actions {
        save: ServerAction::new(),
        add: ServerAction::new(),
        remove: ServerAction::new(),
        discard: ServerAction::new(),
    };
    let draft = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok())
                    .unwrap_or(0),
                actions.save.version().get(),
                actions.add.version().get(),
                actions.remove.version().get(),
            )
        },
        |(id, ..)| get_draft(id),
    );
    let saved = Signal::derive(move || {
        query
            .read()
            .get("saved")
            .map(|_| "Saved. The checks and preview below are up to date.")
    });
    let error = Signal::derive(move || {
        actions
            .save
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.add.value().get().and_then(Result::err))
            .or_else(|| actions.remove.value().get().and_then(Result::err))
            .or_else(|| actions.discard.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Edit course" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/content">"Content"</a></p>
                <SuccessAlert message=saved />
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading the draft…"</p> }>
                    {move || Suspend::new(async move {
                        match draft.await {
                            Ok(view) => view! { <DraftEditor draft=view actions /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

/// The actions that change a draft; the page reloads the draft after each.
#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveDraft>,
    add: ServerAction<AddDraftLesson>,
    remove: ServerAction<RemoveDraftFile>,
    discard: ServerAction<DiscardDraft>,
}

#[component]
fn DraftEditor(draft: DraftView, actions: Actions) -> impl IntoView {
    let id = draft.id;
    let problem_count = draft.problems.len();
    let text_files: Vec<_> = draft
        .files
        .iter()
        .filter(|file| file.text.is_some())
        .cloned()
        .collect();
    let images: Vec<_> = draft
        .files
        .iter()
        .filter(|file| file.text.is_none())
        .map(|file| file.path.clone())
        .collect();
    view! {
        <Title text=format!("Editing {}", draft.slug) />
        <div class="page-heading">
            <h1>{format!("Editing {}", draft.slug)}</h1>
            <span class="muted">{format!("{} · saved {}", if draft.is_new_course { "new course" } else { "draft of the published course" }, date_time(draft.updated_at))}</span>
        </div>
        {if problem_count == 0 {
            view! {
                <div class="alert alert-success" role="status"><p>"No problems found. Check the preview below, then publish."</p></div>
            }.into_any()
        } else {
            view! {
                <div class="alert alert-error" role="alert" id="problems">
                    <p><strong>{format!("{problem_count} problem{} to fix before publishing:", if problem_count == 1 { "" } else { "s" })}</strong></p>
                    <ul>{draft.problems.into_iter().map(|problem| view! { <li><code>{problem}</code></li> }).collect_view()}</ul>
                </div>
            }.into_any()
        }}

        <ActionForm action=actions.save attr:class="editor" attr:aria-label="Course files">
            <input type="hidden" name="draft_id" value=id />
            {text_files.into_iter().enumerate().map(|(index, file)| {
                let rows = file.text.as_deref().map_or(8, |text| text.lines().count().clamp(6, 30));
                view! {
                    <div class="field">
                        <label for=format!("file-{index}")><code>{file.path.clone()}</code></label>
                        <input type="hidden" name=format!("paths[{index}]") value=file.path.clone() />
                        <textarea id=format!("file-{index}") name=format!("contents[{index}]") rows=rows spellcheck="true" class="code">
                            {file.text.clone().unwrap_or_default()}
                        </textarea>
                    </div>
                }
            }).collect_view()}
            <fieldset class="publish-box">
                <legend>"Publish"</legend>
                <div class="field">
                    <label for="version_notes">"Version notes: what changed?"</label>
                    <textarea id="version_notes" name="version_notes" rows="2" maxlength="1000">{draft.version_notes.clone()}</textarea>
                </div>
                <div class="checkbox">
                    <input id="material" name="material" type="checkbox" value="yes" checked=draft.material />
                    <label for="material">"Material change: people who completed an earlier version must take this one"</label>
                </div>
                <div class="actions">
                    <button type="submit" name="intent" value="save" class="button">"Save and check"</button>
                    <button type="submit" name="intent" value="publish" class="button button-primary">"Publish"</button>
                </div>
            </fieldset>
        </ActionForm>

        {(!images.is_empty()).then(|| view! {
            <h2>"Images"</h2>
            <ul class="plain-list">{images.into_iter().map(|path| view! { <li><code>{path}</code></li> }).collect_view()}</ul>
        })}

        <div class="two-columns">
            <section aria-labelledby="add-lesson">
                <h2 id="add-lesson">"Add a lesson"</h2>
                <ActionForm action=actions.add attr:class="form">
                    <input type="hidden" name="draft_id" value=id />
                    <div class="field">
                        <label for="file_name">"File name"</label>
                        <input id="file_name" name="file_name" type="text" required placeholder="03-reporting.md" />
                    </div>
                    <button type="submit" class="button">"Add lesson"</button>
                </ActionForm>
            </section>
            <section aria-labelledby="remove-file">
                <h2 id="remove-file">"Remove a file"</h2>
                <ActionForm action=actions.remove attr:class="form">
                    <input type="hidden" name="draft_id" value=id />
                    <div class="field">
                        <label for="remove_path">"File"</label>
                        <select id="remove_path" name="path">
                            {draft.files.iter().filter(|file| file.removable).map(|file| view! { <option value=file.path.clone()>{file.path.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="checkbox">
                        <input id="confirm_remove" type="checkbox" required />
                        <label for="confirm_remove">"Yes, remove this file"</label>
                    </div>
                    <button type="submit" class="button button-danger">"Remove from the draft"</button>
                </ActionForm>
            </section>
        </div>

        <h2 id="preview">"Preview"</h2>
        {match draft.preview {
            Some(preview) => view! { <ContentPreview preview /> }.into_any(),
            None => view! { <div class="empty-state"><p>"The preview appears once the problems above are fixed."</p></div> }.into_any(),
        }}

        <h2>"Discard"</h2>
        <ActionForm action=actions.discard attr:class="inline-form">
            <input type="hidden" name="draft_id" value=id />
            <div class="checkbox">
                <input id="confirm_discard" type="checkbox" required />
                <label for="confirm_discard">"Yes, throw away every change in this draft"</label>
            </div>
            <button type="submit" class="button button-danger">"Discard this draft"</button>
        </ActionForm>
    }
}
