//! The assignment engine: who owes which training, by when, and where they stand.
//!
//! Pure: it takes people, courses (with rules and versions), completions, exemptions, what was
//! assigned before, and today's date, and returns every obligation. Running it twice on the same
//! input gives the same output.
//!
//! The rules, in order:
//! - Only active people whose hire date has come owe anything; leavers owe nothing (their
//!   history stays in the ledger).
//! - A course that is retired or has no version is owed by nobody.
//! - A person owes a course when its audience matches them (everyone, a job role, a department,
//!   or being a manager).
//! - An obligation is assigned on the later of the hire date and the course's first publication
//!   for someone evaluated for the first time, and on the day it first appears for anyone else
//!   (a new role, a new department, a changed rule). Once assigned, the date is kept.
//! - A completion counts if it is of the newest material version or later. It lasts until the
//!   recurrence period has passed since it (a per-person clock); `never` lasts for ever.
//! - Due dates: `due_within` after assignment, or after assignment plus the course's
//!   `start_offset` (which spreads a baseline over the year); after a completion expires, on
//!   its expiry date;
//!   when a material version supersedes a completion, `due_within` after that version appeared;
//!   after an exemption ends, `due_within` after its end.
//! - Status: exempt, else completed, else overdue (past the due date), else in progress
//!   (started the current version), else not started.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::audience::Audience;
use super::period::{Period, Recurrence};

/// What the engine needs to know about a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFacts {
    pub id: i64,
    pub active: bool,
    pub hire_date: NaiveDate,
    pub roles: Vec<String>,
    pub department: Option<String>,
    pub is_manager: bool,
}

/// One published version of a course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionFacts {
    pub id: i64,
    pub number: i32,
    pub published_on: NaiveDate,
    pub material: bool,
}

/// What the engine needs to know about a course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseFacts {
    pub id: i64,
    pub retired: bool,
    pub audience: Audience,
    pub recurrence: Recurrence,
    pub due_within: Period,
    /// How long after someone first owes the course their first round starts.
    pub start_offset: Option<Period>,
    /// In any order.
    pub versions: Vec<VersionFacts>,
}

impl CourseFacts {
    /// The first deadline of an obligation assigned on `assigned_on`: `due_within` after the
    /// start of the person's first round.
    pub fn first_due_on(&self, assigned_on: NaiveDate) -> NaiveDate {
        first_deadline(self.due_within, self.start_offset, assigned_on)
    }
}

/// The first deadline of an obligation assigned on `assigned_on`: `due_within` after the
/// person's first round starts, `start_offset` after assignment.
pub fn first_deadline(
    due_within: Period,
    start_offset: Option<Period>,
    assigned_on: NaiveDate,
) -> NaiveDate {
    let starts = start_offset.map_or(assigned_on, |offset| offset.after(assigned_on));
    due_within.after(starts)
}

/// A completion that counts: a passed attempt, an acknowledgement, a manual or instructor-led
/// completion, not voided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionFacts {
    pub person_id: i64,
    pub course_id: i64,
    pub version_id: i64,
    pub completed_on: NaiveDate,
    pub record_id: i64,
}

/// An exemption from a course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExemptionFacts {
    pub id: i64,
    pub person_id: i64,
    pub course_id: i64,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub revoked: bool,
}

/// Everything the engine reads.
#[derive(Clone, Debug, Default)]
pub struct EngineInput {
    pub people: Vec<PersonFacts>,
    pub courses: Vec<CourseFacts>,
    pub completions: Vec<CompletionFacts>,
    pub exemptions: Vec<ExemptionFacts>,
    /// Assignment dates of obligations that existed at the last run, by (person, course).
    pub previously_assigned: HashMap<(i64, i64), NaiveDate>,
    /// People the engine has evaluated before (any obligation or none, but known).
    pub previously_evaluated: HashSet<i64>,
    /// (person, version) pairs where the person has started reading or a quiz.
    pub started: HashSet<(i64, i64)>,
}

/// Where a person stands on a course.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Overdue,
    InProgress,
    NotStarted,
    Completed,
    Exempt,
}

impl Status {
    /// The stored spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::InProgress => "in_progress",
            Self::NotStarted => "not_started",
            Self::Completed => "completed",
            Self::Exempt => "exempt",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(input: &str) -> Option<Self> {
        [
            Self::Overdue,
            Self::InProgress,
            Self::NotStarted,
            Self::Completed,
            Self::Exempt,
        ]
        .into_iter()
        .find(|s| s.as_str() == input)
    }

    /// A label for people.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Overdue => "Overdue",
            Self::InProgress => "In progress",
            Self::NotStarted => "Not started",
            Self::Completed => "Completed",
            Self::Exempt => "Exempt",
        }
    }

    /// Whether the person is up to date (completed or exempt).
    pub fn is_compliant(&self) -> bool {
        matches!(self, Self::Completed | Self::Exempt)
    }
}

/// One person's obligation for one course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obligation {
    pub person_id: i64,
    pub course_id: i64,
    /// The version to take now (the newest).
    pub version_id: i64,
    pub assigned_on: NaiveDate,
    /// When it is (or was, or next will be) due.
    pub due_on: NaiveDate,
    pub status: Status,
    /// The completion that counts now, if any.
    pub completion: Option<CompletionFacts>,
    /// Until when the counting completion lasts (`None`: for ever, or no completion).
    pub valid_until: Option<NaiveDate>,
    pub exemption_id: Option<i64>,
}

/// Whether `audience` selects `person`.
pub fn matches(audience: &Audience, person: &PersonFacts) -> bool {
    audience.everyone
        || (audience.managers && person.is_manager)
        || audience
            .roles
            .iter()
            .any(|role| person.roles.contains(role))
        || person.department.as_deref().is_some_and(|department| {
            audience
                .departments
                .iter()
                .any(|wanted| wanted.eq_ignore_ascii_case(department))
        })
}

/// Computes every obligation, in person then course order.
pub fn obligations(input: &EngineInput, today: NaiveDate) -> Vec<Obligation> {
    let mut completions: HashMap<(i64, i64), Vec<&CompletionFacts>> = HashMap::new();
    for completion in &input.completions {
        completions
            .entry((completion.person_id, completion.course_id))
            .or_default()
            .push(completion);
    }
    let mut exemptions: HashMap<(i64, i64), Vec<&ExemptionFacts>> = HashMap::new();
    for exemption in input.exemptions.iter().filter(|e| !e.revoked) {
        exemptions
            .entry((exemption.person_id, exemption.course_id))
            .or_default()
            .push(exemption);
    }

    let mut people: Vec<&PersonFacts> = input
        .people
        .iter()
        .filter(|p| p.active && p.hire_date <= today)
        .collect();
    people.sort_by_key(|p| p.id);
    let mut courses: Vec<&CourseFacts> = input
        .courses
        .iter()
        .filter(|c| !c.retired && !c.versions.is_empty())
        .collect();
    courses.sort_by_key(|c| c.id);

    let mut result = Vec::new();
    for person in people {
        for course in courses
            .iter()
            .filter(|course| matches(&course.audience, person))
        {
            let key = (person.id, course.id);
            let assigned_on = input
                .previously_assigned
                .get(&key)
                .copied()
                .unwrap_or_else(|| {
                    if input.previously_evaluated.contains(&person.id) {
                        today
                    } else {
                        first_published(course).max(person.hire_date)
                    }
                });
            let empty = Vec::new();
            let own_completions = completions.get(&key).unwrap_or(&empty);
            let own_exemptions = exemptions.get(&key).map(Vec::as_slice).unwrap_or_default();
            result.push(evaluate(
                person,
                course,
                assigned_on,
                own_completions,
                own_exemptions,
                &input.started,
                today,
            ));
        }
    }
    result
}

fn first_published(course: &CourseFacts) -> NaiveDate {
    course
        .versions
        .iter()
        .map(|v| v.published_on)
        .min()
        .unwrap_or(NaiveDate::MIN)
}

fn evaluate(
    person: &PersonFacts,
    course: &CourseFacts,
    assigned_on: NaiveDate,
    completions: &[&CompletionFacts],
    exemptions: &[&ExemptionFacts],
    started: &HashSet<(i64, i64)>,
    today: NaiveDate,
) -> Obligation {
    let number_of = |version_id: i64| {
        course
            .versions
            .iter()
            .find(|v| v.id == version_id)
            .map_or(0, |v| v.number)
    };
    let current = course
        .versions
        .iter()
        .max_by_key(|v| v.number)
        .map_or(0, |v| v.id);
    // Completions of versions before the newest material one no longer count.
    let threshold = course
        .versions
        .iter()
        .filter(|v| v.material)
        .map(|v| v.number)
        .max()
        .unwrap_or(0);
    let counting = completions
        .iter()
        .filter(|c| number_of(c.version_id) >= threshold)
        .max_by_key(|c| (c.completed_on, c.record_id))
        .copied();
    let superseded = completions
        .iter()
        .any(|c| number_of(c.version_id) < threshold);

    let active_exemption = exemptions
        .iter()
        .filter(|e| e.starts_on <= today && e.expires_on.is_none_or(|end| end >= today))
        .max_by_key(|e| e.id)
        .copied();
    let ended_exemption = exemptions
        .iter()
        .filter_map(|e| e.expires_on.filter(|end| *end < today))
        .max();

    let valid_until = counting.and_then(|c| match course.recurrence {
        Recurrence::Never => None,
        Recurrence::Every(period) => Some(period.after(c.completed_on)),
    });
    let still_valid = counting.is_some() && valid_until.is_none_or(|until| until > today);

    let mut due_on = match (counting, valid_until) {
        (Some(_), Some(until)) => until,
        (Some(c), None) => c.completed_on,
        (None, _) if superseded => {
            let appeared = course
                .versions
                .iter()
                .filter(|v| v.number == threshold)
                .map(|v| v.published_on)
                .max()
                .unwrap_or(assigned_on);
            course.due_within.after(appeared.max(assigned_on))
        }
        (None, _) => course.first_due_on(assigned_on),
    };
    if !still_valid && let Some(ended) = ended_exemption {
        due_on = due_on.max(course.due_within.after(ended));
    }

    let status = if active_exemption.is_some() {
        Status::Exempt
    } else if still_valid {
        Status::Completed
    } else if today > due_on {
        Status::Overdue
    } else if started.contains(&(person.id, current)) {
        Status::InProgress
    } else {
        Status::NotStarted
    };

    Obligation {
        person_id: person.id,
        course_id: course.id,
        version_id: current,
        assigned_on,
        due_on,
        status,
        completion: counting.cloned(),
        valid_until,
        exemption_id: active_exemption.map(|e| e.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn person(id: i64) -> PersonFacts {
        PersonFacts {
            id,
            active: true,
            hire_date: day("2020-01-01"),
            roles: vec!["employee".into()],
            department: Some("Finance".into()),
            is_manager: false,
        }
    }

    fn course(id: i64) -> CourseFacts {
        CourseFacts {
            id,
            retired: false,
            audience: Audience {
                everyone: true,
                ..Default::default()
            },
            recurrence: Recurrence::parse("12 months").unwrap(),
            due_within: Period::parse("30 days").unwrap(),
            start_offset: None,
            versions: vec![VersionFacts {
                id: id * 100 + 1,
                number: 1,
                published_on: day("2025-01-01"),
                material: false,
            }],
        }
    }

    fn completion(person_id: i64, course_id: i64, version_id: i64, on: &str) -> CompletionFacts {
        CompletionFacts {
            person_id,
            course_id,
            version_id,
            completed_on: day(on),
            record_id: 1,
        }
    }

    fn run(input: EngineInput, today: &str) -> Vec<Obligation> {
        obligations(&input, day(today))
    }

    fn only(input: EngineInput, today: &str) -> Obligation {
        let mut all = run(input, today);
        assert_eq!(all.len(), 1, "{all:#?}");
        all.remove(0)
    }

    fn basic() -> EngineInput {
        EngineInput {
            people: vec![person(1)],
            courses: vec![course(7)],
            ..Default::default()
        }
    }

    /// (case, input, today, expected status, expected due date)
    fn table() -> Vec<(
        &'static str,
        EngineInput,
        &'static str,
        Status,
        &'static str,
    )> {
        let mut cases = Vec::new();

        cases.push((
            "never completed, within the due period",
            basic(),
            "2025-01-20",
            Status::NotStarted,
            "2025-01-31",
        ));
        cases.push((
            "never completed, past due",
            basic(),
            "2025-02-01",
            Status::Overdue,
            "2025-01-31",
        ));
        cases.push((
            "due today is not yet overdue",
            basic(),
            "2025-01-31",
            Status::NotStarted,
            "2025-01-31",
        ));

        let mut started = basic();
        started.started.insert((1, 701));
        cases.push((
            "started the current version",
            started,
            "2025-01-20",
            Status::InProgress,
            "2025-01-31",
        ));

        let mut done = basic();
        done.completions.push(completion(1, 7, 701, "2025-01-15"));
        cases.push((
            "completed: due again twelve months later",
            done.clone(),
            "2025-06-01",
            Status::Completed,
            "2026-01-15",
        ));
        cases.push((
            "completion expired by recurrence",
            done,
            "2026-01-16",
            Status::Overdue,
            "2026-01-15",
        ));

        let mut leap = basic();
        leap.courses[0].versions[0].published_on = day("2023-06-01");
        leap.completions.push(completion(1, 7, 701, "2024-02-29"));
        cases.push((
            "29 February plus twelve months is 28 February",
            leap.clone(),
            "2025-02-27",
            Status::Completed,
            "2025-02-28",
        ));
        cases.push((
            "the 29 February completion is due on 28 February",
            leap.clone(),
            "2025-02-28",
            Status::NotStarted,
            "2025-02-28",
        ));
        cases.push((
            "and overdue on 1 March",
            leap,
            "2025-03-01",
            Status::Overdue,
            "2025-02-28",
        ));

        let mut hire = basic();
        hire.people[0].hire_date = day("2025-06-10");
        cases.push((
            "a new hire is due within the period of the hire date",
            hire,
            "2025-06-20",
            Status::NotStarted,
            "2025-07-10",
        ));

        let mut material = basic();
        material
            .completions
            .push(completion(1, 7, 701, "2025-01-15"));
        material.courses[0].versions.push(VersionFacts {
            id: 702,
            number: 2,
            published_on: day("2025-05-01"),
            material: true,
        });
        cases.push((
            "a material new version is owed again",
            material.clone(),
            "2025-05-10",
            Status::NotStarted,
            "2025-05-31",
        ));
        cases.push((
            "and overdue after its due period",
            material.clone(),
            "2025-06-01",
            Status::Overdue,
            "2025-05-31",
        ));
        material
            .completions
            .push(completion(1, 7, 702, "2025-05-20"));
        cases.push((
            "taking the new version completes it",
            material,
            "2025-06-01",
            Status::Completed,
            "2026-05-20",
        ));

        let mut minor = basic();
        minor.completions.push(completion(1, 7, 701, "2025-01-15"));
        minor.courses[0].versions.push(VersionFacts {
            id: 702,
            number: 2,
            published_on: day("2025-05-01"),
            material: false,
        });
        cases.push((
            "a minor new version keeps earlier completions",
            minor,
            "2025-06-01",
            Status::Completed,
            "2026-01-15",
        ));

        let mut never = basic();
        never.courses[0].recurrence = Recurrence::Never;
        never.completions.push(completion(1, 7, 701, "2025-01-15"));
        cases.push((
            "a course taken once stays completed",
            never,
            "2030-01-01",
            Status::Completed,
            "2025-01-15",
        ));

        let mut exempt = basic();
        exempt.exemptions.push(ExemptionFacts {
            id: 3,
            person_id: 1,
            course_id: 7,
            starts_on: day("2025-01-05"),
            expires_on: Some(day("2025-03-31")),
            revoked: false,
        });
        cases.push((
            "an active exemption",
            exempt.clone(),
            "2025-02-15",
            Status::Exempt,
            "2025-01-31",
        ));
        cases.push((
            "an expired exemption leaves the due period after it",
            exempt.clone(),
            "2025-04-10",
            Status::NotStarted,
            "2025-04-30",
        ));
        exempt.exemptions[0].revoked = true;
        cases.push((
            "a revoked exemption does not count",
            exempt,
            "2025-02-15",
            Status::Overdue,
            "2025-01-31",
        ));

        let mut forever = basic();
        forever.exemptions.push(ExemptionFacts {
            id: 4,
            person_id: 1,
            course_id: 7,
            starts_on: day("2025-01-05"),
            expires_on: None,
            revoked: false,
        });
        cases.push((
            "an exemption without expiry lasts",
            forever,
            "2029-01-01",
            Status::Exempt,
            "2025-01-31",
        ));

        let mut kept = basic();
        kept.previously_assigned.insert((1, 7), day("2025-03-01"));
        kept.previously_evaluated.insert(1);
        cases.push((
            "a kept assignment date drives the due date",
            kept,
            "2025-03-15",
            Status::NotStarted,
            "2025-03-31",
        ));

        let mut role_change = basic();
        role_change.previously_evaluated.insert(1);
        cases.push((
            "a newly matching person is assigned today",
            role_change,
            "2025-08-01",
            Status::NotStarted,
            "2025-08-31",
        ));

        cases
    }

    #[test]
    fn the_engine_handles_every_case_in_the_table() {
        for (case, input, today, status, due) in table() {
            let obligation = only(input, today);
            assert_eq!(
                (obligation.status, obligation.due_on),
                (status, day(due)),
                "{case}"
            );
        }
    }

    #[test]
    fn leavers_future_hires_and_retired_courses_owe_nothing() {
        let mut leaver = basic();
        leaver.people[0].active = false;
        assert!(run(leaver, "2025-06-01").is_empty(), "leaver");

        let mut future = basic();
        future.people[0].hire_date = day("2025-07-01");
        assert!(
            run(future.clone(), "2025-06-01").is_empty(),
            "hire date in the future"
        );
        assert_eq!(
            run(future, "2025-07-01").len(),
            1,
            "owed from the first day"
        );

        let mut retired = basic();
        retired
            .completions
            .push(completion(1, 7, 701, "2025-01-15"));
        retired.courses[0].retired = true;
        assert!(
            run(retired, "2025-06-01").is_empty(),
            "course retired mid-cycle"
        );

        let mut unpublished = basic();
        unpublished.courses[0].versions.clear();
        assert!(run(unpublished, "2025-06-01").is_empty(), "no version yet");
    }

    #[test]
    fn a_role_removed_after_completion_ends_the_obligation() {
        let mut input = basic();
        input.courses[0].audience = Audience {
            roles: vec!["secure-development-engineer".into()],
            ..Default::default()
        };
        input.people[0]
            .roles
            .push("secure-development-engineer".into());
        input.completions.push(completion(1, 7, 701, "2025-01-15"));
        assert_eq!(only(input.clone(), "2025-06-01").status, Status::Completed);
        input.people[0]
            .roles
            .retain(|r| r != "secure-development-engineer");
        assert!(run(input, "2025-06-01").is_empty());
    }

    #[test]
    fn audiences_match_roles_departments_and_managers() {
        let mut someone = person(1);
        someone.roles.push("department-head".into());
        let roles = Audience {
            roles: vec!["department-head".into()],
            ..Default::default()
        };
        let finance = Audience {
            departments: vec!["FINANCE".into()],
            ..Default::default()
        };
        let managers = Audience {
            managers: true,
            ..Default::default()
        };
        assert!(matches(&roles, &someone));
        assert!(matches(&finance, &someone), "departments ignore case");
        assert!(!matches(&managers, &someone));
        someone.is_manager = true;
        assert!(matches(&managers, &someone));
        assert!(!matches(&Audience::default(), &someone));
    }

    #[test]
    fn first_evaluation_assigns_from_the_later_of_hire_and_publication() {
        let old_hand = only(basic(), "2025-06-01");
        assert_eq!(
            old_hand.assigned_on,
            day("2025-01-01"),
            "course published after hire"
        );
        let mut recent = basic();
        recent.people[0].hire_date = day("2025-03-03");
        assert_eq!(only(recent, "2025-06-01").assigned_on, day("2025-03-03"));
    }

    #[test]
    fn a_start_offset_moves_only_the_first_deadline() {
        let mut input = basic();
        input.people[0].hire_date = day("2025-03-03");
        input.courses[0].start_offset = Some(Period::parse("4 months").unwrap());
        let first = only(input.clone(), "2025-03-10");
        assert_eq!(
            first.assigned_on,
            day("2025-03-03"),
            "owed from the first day"
        );
        assert_eq!(first.due_on, day("2025-08-02"), "4 months, then 30 days");
        assert_eq!(first.status, Status::NotStarted);
        assert_eq!(
            input.courses[0].first_due_on(first.assigned_on),
            first.due_on
        );

        // After the first round the person's own clock runs: due a year after completing.
        input.completions.push(completion(1, 7, 701, "2025-07-20"));
        assert_eq!(only(input.clone(), "2026-08-01").due_on, day("2026-07-20"));

        // A role gained later starts its own first round from that day.
        input.completions.clear();
        input.previously_evaluated.insert(1);
        assert_eq!(only(input, "2025-09-01").due_on, day("2026-01-31"));
    }

    #[test]
    fn the_counting_completion_and_its_validity_are_reported() {
        let mut input = basic();
        input.completions.push(completion(1, 7, 701, "2025-01-10"));
        input.completions.push(CompletionFacts {
            record_id: 9,
            ..completion(1, 7, 701, "2025-01-20")
        });
        let obligation = only(input, "2025-02-01");
        assert_eq!(
            obligation.completion.map(|c| c.record_id),
            Some(9),
            "the latest completion counts"
        );
        assert_eq!(obligation.valid_until, Some(day("2026-01-20")));
        assert_eq!(obligation.version_id, 701);
    }

    #[test]
    fn running_twice_gives_the_same_result() {
        let mut input = basic();
        input.people.push(person(2));
        input.courses.push(course(8));
        input.completions.push(completion(2, 8, 801, "2025-02-01"));
        assert_eq!(run(input.clone(), "2025-06-01"), run(input, "2025-06-01"));
    }

    #[test]
    fn statuses_round_trip_their_stored_spelling() {
        for status in [
            Status::Overdue,
            Status::InProgress,
            Status::NotStarted,
            Status::Completed,
            Status::Exempt,
        ] {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
    }
}
