//! Parsing and rendering courses is CPU work. It runs on the blocking thread pool, never on the
//! async workers and never while a database connection or transaction is held, and within a time
//! budget: a request that would take longer gets a clear error, and every other request carries
//! on meanwhile. (The limits in `domain::content::limits` keep real inputs far inside it.)

use std::time::Duration;

use crate::domain::content::course::{RenderedCourse, render_course};
use crate::domain::content::variables::Values;
use crate::domain::content::{CourseSource, ParsedCourse, Problem, parse_course};
use crate::error::{AppError, ContentInvalid};
use crate::ssr::internal;

/// The longest parsing and rendering one course may take.
pub const BUDGET: Duration = Duration::from_secs(10);

/// A course folder checked, and rendered when it is valid.
pub struct Checked {
    pub parsed: Result<ParsedCourse, Vec<Problem>>,
    pub rendered: Option<RenderedCourse>,
}

/// Runs `work` on the blocking pool within the budget.
pub async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    match tokio::time::timeout(BUDGET, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(err)) => Err(internal("course rendering task", err)),
        Err(_) => {
            tracing::warn!(budget = ?BUDGET, "a course took longer than its budget to check");
            Err(ContentInvalid::TooSlow.into())
        }
    }
}

/// Parses the files of a course folder and renders them with images under `asset_base` and
/// organisation variables from `values`.
pub async fn check(
    files: Vec<(String, Vec<u8>)>,
    asset_base: String,
    values: Values,
) -> Result<Checked, AppError> {
    off_the_runtime(move || {
        let parsed = CourseSource::new(files).and_then(parse_course);
        let rendered = parsed
            .as_ref()
            .ok()
            .map(|course| render_course(course, &asset_base, &values));
        Checked { parsed, rendered }
    })
    .await
}

/// Renders a parsed course with images under `asset_base` and organisation variables.
pub async fn render(
    course: ParsedCourse,
    asset_base: String,
    values: Values,
) -> Result<RenderedCourse, AppError> {
    off_the_runtime(move || render_course(&course, &asset_base, &values)).await
}
