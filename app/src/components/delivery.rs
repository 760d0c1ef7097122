//! An email's delivery as it stands: "Sent …", "Queued …, not sent yet", "Failed …: reason".

use leptos::prelude::*;

use super::time::date_time;
use crate::domain::mail::Delivery;

/// One line for a message's delivery, styled by its state.
#[component]
pub fn DeliveryText(delivery: Delivery) -> impl IntoView {
    let class = format!("delivery delivery-{}", delivery.status.as_str());
    view! { <span class=class>{delivery.describe(date_time)}</span> }
}
