//! Exports of current status and of completion records, as CSV (RFC 4180, with spreadsheet
//! formula cells neutralised) or JSON. Rows are read a page at a time by key, so memory stays flat
//! however large the organisation or the ledger.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tokio::task::JoinHandle;

use super::dashboard::{to_filter, to_narrowing};
use super::{ReportData, catalogue, load_page_people};
use crate::api::dashboard::DashboardQuery;
use crate::domain::assignment::Status;
use crate::domain::ledger::RecordKind;
use crate::domain::reporting::Filter;
use crate::domain::spreadsheet::neutralise;
use crate::domain::team::{Scope, reports_of};
use crate::error::AppError;
use crate::ssr::db::dashboard::{Narrowing, ObligationEntry, obligations_after};
use crate::ssr::db::entities::completion_record;
use crate::ssr::db::{ledger, people};

/// Rows fetched per page.
pub const PAGE: u64 = 500;

/// Obligations fetched per page of the status export (one statement each).
pub const STATUS_PAGE: u64 = 2_000;

/// Which export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// Current obligations and where each person stands.
    Status,
    /// Every completion record (attempts, acknowledgements, corrections, instructor-led).
    Completions,
    /// Every reminder, with its message's delivery as it stands.
    Reminders,
}

impl Dataset {
    /// Column names, in order.
    pub fn columns(&self) -> &'static [&'static str] {
        match self {
            Self::Status => &[
                "person",
                "email",
                "department",
                "job_title",
                "manager",
                "roles",
                "course",
                "course_id",
                "version",
                "status",
                "assigned_on",
                "due_on",
                "completed_on",
                "valid_until",
            ],
            Self::Completions => &[
                "record",
                "finished_at",
                "recorded_at",
                "person",
                "email",
                "department",
                "course",
                "course_id",
                "version",
                "content_hash",
                "kind",
                "score",
                "passed",
                "voided",
                "voids_record",
                "instructor_led_session",
                "language",
                "actor",
                "reason",
                "record_hash",
            ],
            Self::Reminders => &super::reminders::COLUMNS,
        }
    }

    /// The file name stem.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Status => "compliance-status",
            Self::Completions => "completion-records",
            Self::Reminders => "reminders",
        }
    }
}

/// Where paging has got to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    Start,
    Status { person_id: i64, course_id: i64 },
    Completion { sequence: i64 },
    Reminder { id: i64 },
    Done,
}

/// What to export: the dashboard's filter, and for records a date range.
pub struct ExportRequest {
    pub dataset: Dataset,
    pub filter: Filter,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The (person, course) key a status page starts after.
fn status_key(cursor: Cursor) -> Option<(i64, i64)> {
    match cursor {
        Cursor::Status {
            person_id,
            course_id,
        } => Some((person_id, course_id)),
        _ => None,
    }
}

/// The next page of the status export, already asked for.
struct Prefetch {
    cursor: Cursor,
    task: JoinHandle<Result<Vec<ObligationEntry>, DbErr>>,
}

impl Prefetch {
    fn start(db: &DatabaseConnection, narrowing: &Narrowing, cursor: Cursor) -> Self {
        let (db, narrowing) = (db.clone(), narrowing.clone());
        let task = tokio::spawn(async move {
            obligations_after(&db, &narrowing, status_key(cursor), STATUS_PAGE).await
        });
        Self { cursor, task }
    }

    async fn rows(mut self) -> Result<Vec<ObligationEntry>, AppError> {
        let joined = (&mut self.task).await;
        joined
            .map_err(|err| crate::ssr::failure::internal("reading an export page", err))?
            .map_err(AppError::from)
    }
}

impl Drop for Prefetch {
    /// An export abandoned part-way (the download cancelled) stops reading.
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Everything paging needs that does not grow with the rows: the course catalogue, department
/// names, and when filtering records by manager, who is below them. People are read page by page
/// with their rows.
pub struct Exporter {
    pub request: ExportRequest,
    /// The filter as the database applies it (the status export).
    narrowing: Narrowing,
    data: ReportData,
    departments: HashMap<i64, String>,
    below_manager: HashSet<i64>,
    prefetched: Option<Prefetch>,
}

impl Exporter {
    /// Prepares an export of `dataset` filtered like the dashboard's `query`.
    pub async fn prepare(
        db: &impl ConnectionTrait,
        dataset: Dataset,
        query: &DashboardQuery,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Self, AppError> {
        let data = catalogue(db).await?;
        let mut filter = to_filter(&data, query);
        let manager = query.manager.trim();
        let manager_id = if manager.is_empty() {
            None
        } else {
            people::find_by_email_or_public_id(db, manager)
                .await?
                .map(|p| p.id)
        };
        // An unknown manager matches nobody rather than everybody.
        filter.manager_id = (!manager.is_empty()).then(|| manager_id.unwrap_or(-1));
        let narrowing = to_narrowing(&data, manager_id, query);
        // The status export narrows in the database; records and reminders by this set.
        let below_manager = match (dataset, filter.manager_id) {
            (Dataset::Status, _) | (_, None) => HashSet::new(),
            (_, Some(manager)) => {
                reports_of(manager, &people::active_links(db).await?, Scope::AllBelow)
                    .into_iter()
                    .collect()
            }
        };
        let departments = people::department_names(db).await?;
        Ok(Self {
            request: ExportRequest {
                dataset,
                filter,
                from,
                to,
            },
            narrowing,
            data,
            departments,
            below_manager,
            prefetched: None,
        })
    }

    /// The next page of rows (as cells) and where to continue.
    pub async fn next_page(
        &mut self,
        db: &DatabaseConnection,
        cursor: Cursor,
    ) -> Result<(Vec<Vec<String>>, Cursor), AppError> {
        match (self.request.dataset, cursor) {
            (_, Cursor::Done) => Ok((Vec::new(), Cursor::Done)),
            (Dataset::Status, Cursor::Start | Cursor::Status { .. }) => {
                self.status_page(db, cursor).await
            }
            (Dataset::Completions, Cursor::Start | Cursor::Completion { .. }) => {
                self.completion_page(db, cursor).await
            }
            (Dataset::Reminders, Cursor::Start | Cursor::Reminder { .. }) => {
                self.reminder_page(db, cursor).await
            }
            _ => Ok((Vec::new(), Cursor::Done)),
        }
    }

    /// A page of obligations, filtered and joined to their people by the database. The next
    /// page is asked for before this one is turned into cells, so the database works on it
    /// meanwhile.
    async fn status_page(
        &mut self,
        db: &DatabaseConnection,
        cursor: Cursor,
    ) -> Result<(Vec<Vec<String>>, Cursor), AppError> {
        let page = match self.prefetched.take() {
            Some(prefetch) if prefetch.cursor == cursor => prefetch.rows().await?,
            _ => obligations_after(db, &self.narrowing, status_key(cursor), STATUS_PAGE).await?,
        };
        let next = match page.last() {
            Some(last) if page.len() as u64 == STATUS_PAGE => Cursor::Status {
                person_id: last.person_id,
                course_id: last.course_id,
            },
            _ => Cursor::Done,
        };
        if next != Cursor::Done {
            self.prefetched = Some(Prefetch::start(db, &self.narrowing, next));
        }
        let cells = page
            .into_iter()
            .filter_map(|row| {
                let status = Status::parse(&row.status)?;
                let course = self.data.course_details.get(&row.course_id);
                Some(vec![
                    row.person,
                    row.email,
                    row.department_id
                        .and_then(|id| self.departments.get(&id).cloned())
                        .unwrap_or_default(),
                    row.job_title,
                    row.manager.unwrap_or_default(),
                    row.roles.unwrap_or_default(),
                    self.data
                        .courses
                        .get(&row.course_id)
                        .map(|c| c.title.clone())
                        .unwrap_or_default(),
                    course.map(|c| c.slug.clone()).unwrap_or_default(),
                    course.map(|c| c.version.to_string()).unwrap_or_default(),
                    status.as_str().to_owned(),
                    row.assigned_on,
                    row.due_on,
                    row.completed_on.unwrap_or_default(),
                    row.valid_until.unwrap_or_default(),
                ])
            })
            .collect();
        Ok((cells, next))
    }

    async fn completion_page(
        &mut self,
        db: &impl ConnectionTrait,
        cursor: Cursor,
    ) -> Result<(Vec<Vec<String>>, Cursor), AppError> {
        let mut query = completion_record::Entity::find()
            .order_by_asc(completion_record::Column::Sequence)
            .limit(PAGE);
        if let Cursor::Completion { sequence } = cursor {
            query = query.filter(completion_record::Column::Sequence.gt(sequence));
        }
        if let Some(from) = self.request.from {
            query = query.filter(completion_record::Column::FinishedAt.gte(day_start(from)));
        }
        if let Some(to) = self.request.to {
            query = query.filter(
                completion_record::Column::FinishedAt.lt(day_start(to + chrono::Duration::days(1))),
            );
        }
        if let Some(course) = self.request.filter.course_id {
            query = query.filter(completion_record::Column::CourseId.eq(course));
        }
        let page = query.all(db).await?;
        let on_page: Vec<i64> = page
            .iter()
            .flat_map(|record| std::iter::once(record.person_id).chain(record.actor_id))
            .collect();
        load_page_people(db, &mut self.data, &on_page).await?;
        let sequences: Vec<i64> = page.iter().map(|record| record.sequence).collect();
        let voided: HashSet<i64> = ledger::voided_among(db, &sequences)
            .await?
            .into_iter()
            .collect();
        let next = match page.last() {
            Some(last) if page.len() as u64 == PAGE => Cursor::Completion {
                sequence: last.sequence,
            },
            _ => Cursor::Done,
        };
        let cells = page
            .iter()
            .filter(|record| {
                self.request.filter.keeps_person(
                    record.person_id,
                    &self.data.people,
                    &self.below_manager,
                )
            })
            .map(|record| completion_cells(&self.data, record, voided.contains(&record.sequence)))
            .collect();
        Ok((cells, next))
    }
}

impl Exporter {
    /// Reminder messages queued in the date range, in order, kept when the person they were
    /// sent to matches the filter.
    async fn reminder_page(
        &mut self,
        db: &impl ConnectionTrait,
        cursor: Cursor,
    ) -> Result<(Vec<Vec<String>>, Cursor), AppError> {
        let after = match cursor {
            Cursor::Reminder { id } => id,
            _ => 0,
        };
        let page = crate::ssr::db::outbox::reminders_after(
            db,
            after,
            self.request.from.map(day_start),
            self.request
                .to
                .map(|to| day_start(to + chrono::Duration::days(1))),
            PAGE,
        )
        .await?;
        let next = match page.last() {
            Some(last) if page.len() as u64 == PAGE => Cursor::Reminder { id: last.id },
            _ => Cursor::Done,
        };
        let kept: Vec<_> = {
            let on_page: Vec<i64> = page
                .iter()
                .flat_map(|m| m.person_id.into_iter().chain(m.sent_by))
                .collect();
            load_page_people(db, &mut self.data, &on_page).await?;
            page.into_iter()
                .filter(|m| {
                    m.person_id.is_some_and(|id| {
                        self.request
                            .filter
                            .keeps_person(id, &self.data.people, &self.below_manager)
                    })
                })
                .collect()
        };
        // Everyone the rows name: the people reminded about, who was told, and who asked.
        let mut named: Vec<i64> = crate::ssr::db::reminder_log::for_messages(
            db,
            &kept.iter().map(|m| m.id).collect::<Vec<_>>(),
        )
        .await?
        .iter()
        .flat_map(|e| {
            [
                Some(e.subject_person_id),
                Some(e.recipient_person_id),
                e.requested_by,
            ]
        })
        .flatten()
        .collect();
        named.extend(
            kept.iter()
                .flat_map(|m| m.person_id.into_iter().chain(m.sent_by)),
        );
        load_page_people(db, &mut self.data, &named).await?;
        let data = &self.data;
        let person = |id: Option<i64>| data.name_of(id);
        let course = |id: i64| data.courses.get(&id).map(|c| c.title.clone());
        let (rows, _) = super::reminders::rows(
            db,
            &kept,
            &super::reminders::Names {
                person: &person,
                course: &course,
            },
        )
        .await?;
        Ok((rows, next))
    }
}

/// A completion record as export cells.
pub fn completion_cells(
    data: &ReportData,
    record: &completion_record::Model,
    voided: bool,
) -> Vec<String> {
    let person = data.people.get(&record.person_id);
    vec![
        record.sequence.to_string(),
        crate::domain::ledger::timestamp(record.finished_at),
        // When it was entered: a manual completion or session may be dated in the past.
        crate::domain::ledger::timestamp(record.recorded_at),
        person.map(|p| p.name.clone()).unwrap_or_default(),
        data.person_details
            .get(&record.person_id)
            .map(|d| d.email.clone())
            .unwrap_or_default(),
        person
            .and_then(|p| p.department.clone())
            .unwrap_or_default(),
        data.courses
            .get(&record.course_id)
            .map(|c| c.title.clone())
            .unwrap_or_default(),
        data.course_details
            .get(&record.course_id)
            .map(|c| c.slug.clone())
            .unwrap_or_default(),
        version_number(data, record),
        record.content_hash.clone(),
        RecordKind::parse(&record.kind)
            .map_or_else(|| record.kind.clone(), |k| k.as_str().to_owned()),
        record.score.map(|s| s.to_string()).unwrap_or_default(),
        if record.passed { "yes" } else { "no" }.to_owned(),
        if voided { "yes" } else { "no" }.to_owned(),
        record
            .voids_sequence
            .map(|s| s.to_string())
            .unwrap_or_default(),
        record.session_id.map(|s| s.to_string()).unwrap_or_default(),
        record.language.clone().unwrap_or_default(),
        data.name_of(record.actor_id),
        record.reason.clone().unwrap_or_default(),
        record.record_hash.clone(),
    ]
}

fn version_number(data: &ReportData, record: &completion_record::Model) -> String {
    data.version_numbers
        .get(&record.version_id)
        .map(|n| n.to_string())
        .unwrap_or_default()
}

fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc())
}

/// CSV bytes for `rows`, with a header first when `header` is set. Every cell is neutralised
/// against spreadsheet formulas; quoting follows RFC 4180 (the csv crate's default).
pub fn csv_bytes(columns: &[&str], rows: &[Vec<String>], header: bool) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    if header {
        let _ = writer.write_record(columns);
    }
    for row in rows {
        for cell in row {
            let _ = writer.write_field(neutralise(cell).as_bytes());
        }
        let _ = writer.write_record(std::iter::empty::<&[u8]>());
    }
    writer.into_inner().unwrap_or_default()
}

/// JSON objects for `rows`, comma-separated, with a leading comma unless `first`.
pub fn json_bytes(columns: &[&str], rows: &[Vec<String>], first: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if !(first && index == 0) {
            out.push(b',');
        }
        let object: serde_json::Map<String, serde_json::Value> = columns
            .iter()
            .zip(row)
            .map(|(key, value)| ((*key).to_owned(), serde_json::Value::String(value.clone())))
            .collect();
        out.extend(serde_json::to_vec(&object).unwrap_or_default());
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_per_rfc_4180_and_neutralises_formulas() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://evil.example\",\"x\")".to_owned(),
            "Smith, \"Jo\"".to_owned(),
            "line\nbreak".to_owned(),
        ]];
        let text = String::from_utf8(csv_bytes(&["a", "b", "c"], &rows, true)).unwrap();
        assert_eq!(
            text,
            "a,b,c\r\n\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\"Smith, \"\"Jo\"\"\",\"line\nbreak\"\r\n"
        );
    }

    #[test]
    fn every_dangerous_first_character_is_neutralised_in_the_file() {
        let rows: Vec<Vec<String>> = ["+1", "-1", "@A1", "\tx", "\rx", "=1"]
            .iter()
            .map(|c| vec![(*c).to_owned()])
            .collect();
        let text = String::from_utf8(csv_bytes(&["cell"], &rows, false)).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        for record in reader.records() {
            assert!(record.unwrap()[0].starts_with('\''));
        }
    }

    #[test]
    fn json_rows_join_into_an_array() {
        let first = json_bytes(&["a"], &[vec!["1".to_owned()]], true);
        let rest = json_bytes(&["a"], &[vec!["2".to_owned()]], false);
        let text = format!(
            "[{}{}]",
            String::from_utf8(first).unwrap(),
            String::from_utf8(rest).unwrap()
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value, serde_json::json!([{ "a": "1" }, { "a": "2" }]));
    }
}
