//! `/compliance/reviews`: reviews of the training programme (PCI DSS 12.6.2 asks for one at
//! least every 12 months), recorded here and shown in evidence packs.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::programme_reviews::{RecordReview, get_reviews};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;
use crate::dto::programme_review::ReviewsView;

/// `/compliance/reviews`
#[component]
pub fn ProgrammeReviewsPage() -> impl IntoView {
    let query = use_query_map();
    let record = ServerAction::<RecordReview>::new();
    let reviews = Resource::new(move || record.version().get(), |_| get_reviews());
    let error = Signal::derive(move || record.value().get().and_then(Result::err));
    let recorded = Signal::derive(move || {
        query
            .read()
            .get("recorded")
            .map(|_| "Review recorded. It appears in evidence packs for periods that end on or after its date.")
    });
    view! {
        <Title text="Programme reviews" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a></p>
                <h1>"Programme reviews"</h1>
                <p class="lead">"Review the training programme at least every 12 months (PCI DSS 12.6.2): coverage, results, new threats, and whether the courses and rules still fit. Record each review here once it has taken place; reviews are kept as written, and a correction is a new review."</p>
                <SuccessAlert message=recorded />
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match reviews.await {
                            Ok(view) => view! { <List view /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
                <h2 id="record">"Record a review"</h2>
                <ActionForm action=record attr:class="form" attr:aria-labelledby="record">
                    <div class="field">
                        <label for="reviewed_on">"Review date"</label>
                        <input id="reviewed_on" name="reviewed_on" type="date" required />
                    </div>
                    <div class="field">
                        <label for="reviewers">"Reviewers"</label>
                        <input id="reviewers" name="reviewers" type="text" maxlength="300" required placeholder="Names and roles of those who took part" />
                    </div>
                    <div class="field">
                        <label for="summary">"What was reviewed and concluded"</label>
                        <textarea id="summary" name="summary" rows="5" maxlength="5000" required></textarea>
                    </div>
                    <div class="field">
                        <label for="changes">"Changes decided (leave empty if none)"</label>
                        <textarea id="changes" name="changes" rows="3" maxlength="5000"></textarea>
                    </div>
                    <div class="field">
                        <label for="next_review_on">"Next review by (empty: 12 months after this one)"</label>
                        <input id="next_review_on" name="next_review_on" type="date" />
                    </div>
                    <button type="submit" class="button button-primary">"Record review"</button>
                </ActionForm>
            </section>
        </Protected>
    }
}

#[component]
fn List(view: ReviewsView) -> impl IntoView {
    let overdue = view.overdue_since();
    view! {
        {overdue.map(|since| view! {
            <div class="alert alert-error" role="alert"><p>{format!("The next review was due by {since}. Review the programme and record it below.")}</p></div>
        })}
        {if view.reviews.is_empty() {
            view! { <p class="muted">"No review recorded yet. Evidence packs say so under PCI DSS 12.6.2 until one is."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table aria-label="Programme reviews">
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Reviewers"</th><th scope="col">"Summary"</th><th scope="col">"Changes decided"</th><th scope="col">"Next review by"</th><th scope="col">"Recorded"</th></tr></thead>
                        <tbody>
                            {view.reviews.into_iter().map(|r| view! {
                                <tr>
                                    <th scope="row">{r.reviewed_on.to_string()}</th>
                                    <td>{r.reviewers}</td>
                                    <td class="prewrap">{r.summary}</td>
                                    <td class="prewrap">{if r.changes.is_empty() { "None".to_owned() } else { r.changes }}</td>
                                    <td>{r.next_review_on.to_string()}</td>
                                    <td>{date_time(r.recorded_at)}" by "{r.recorded_by}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
