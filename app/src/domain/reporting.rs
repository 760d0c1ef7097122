//! Compliance reporting: tallies of obligations by course, department, job role and manager,
//! filters, and how promptly new hires finish their training. Pure: it counts what the
//! assignment engine stored.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::assignment::{Obligation, Status};
use super::period::Period;

/// One obligation, as reports read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObligationRow {
    pub person_id: i64,
    pub course_id: i64,
    pub status: Status,
    pub assigned_on: NaiveDate,
    pub due_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
}

impl From<&Obligation> for ObligationRow {
    fn from(o: &Obligation) -> Self {
        Self {
            person_id: o.person_id,
            course_id: o.course_id,
            status: o.status,
            assigned_on: o.assigned_on,
            due_on: o.due_on,
            completed_on: o.completion.as_ref().map(|c| c.completed_on),
        }
    }
}

/// A person's attributes that reports group by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonInfo {
    pub id: i64,
    pub name: String,
    pub department: Option<String>,
    /// Job role names.
    pub roles: Vec<String>,
    pub manager_id: Option<i64>,
    pub hire_date: NaiveDate,
}

/// A course's attributes reports need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseInfo {
    pub id: i64,
    pub title: String,
    pub due_within: Period,
    /// How long after someone first owes the course their first round starts.
    pub start_offset: Option<Period>,
}

impl CourseInfo {
    /// The first deadline for someone who first owed the course on `assigned_on`.
    pub fn first_deadline(&self, assigned_on: NaiveDate) -> NaiveDate {
        super::assignment::first_deadline(self.due_within, self.start_offset, assigned_on)
    }
}

/// Counts of obligations by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub assigned: usize,
    pub completed: usize,
    pub exempt: usize,
    pub in_progress: usize,
    pub not_started: usize,
    pub overdue: usize,
}

impl Tally {
    fn add(&mut self, status: Status) {
        self.add_many(status, 1);
    }

    /// Adds another tally's counts to this one.
    pub fn add_tally(&mut self, other: &Tally) {
        self.assigned += other.assigned;
        self.completed += other.completed;
        self.exempt += other.exempt;
        self.in_progress += other.in_progress;
        self.not_started += other.not_started;
        self.overdue += other.overdue;
    }

    /// Counts `n` obligations in `status` (as a database counted them).
    pub fn add_many(&mut self, status: Status, n: usize) {
        self.assigned += n;
        match status {
            Status::Completed => self.completed += n,
            Status::Exempt => self.exempt += n,
            Status::InProgress => self.in_progress += n,
            Status::NotStarted => self.not_started += n,
            Status::Overdue => self.overdue += n,
        }
    }

    /// Up to date (completed or exempt), in whole percent rounded down; `None` when nothing is
    /// assigned.
    pub fn compliant_percent(&self) -> Option<u32> {
        (self.completed + self.exempt)
            .saturating_mul(100)
            .checked_div(self.assigned)
            .and_then(|p| u32::try_from(p).ok())
    }
}

/// A labelled tally, one row of a breakdown table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub label: String,
    pub tally: Tally,
}

/// What a report is narrowed to. Every set field must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub course_id: Option<i64>,
    pub department: Option<String>,
    /// A job role name.
    pub role: Option<String>,
    /// Everyone below this manager.
    pub manager_id: Option<i64>,
    pub status: Option<Status>,
}

/// The rows that pass `filter`. `below_manager` lists the people below the filter's manager.
pub fn filter<'a>(
    rows: &'a [ObligationRow],
    people: &BTreeMap<i64, PersonInfo>,
    filter: &Filter,
    below_manager: &HashSet<i64>,
) -> Vec<&'a ObligationRow> {
    rows.iter()
        .filter(|row| {
            filter
                .course_id
                .is_none_or(|course| row.course_id == course)
        })
        .filter(|row| filter.status.is_none_or(|status| row.status == status))
        .filter(|row| filter.keeps_person(row.person_id, people, below_manager))
        .collect()
}

impl Filter {
    /// Whether the person passes the department, role and manager parts of the filter (the
    /// course and status parts concern rows). `below_manager` lists the people below the filter's
    /// manager.
    pub fn keeps_person(
        &self,
        person_id: i64,
        people: &BTreeMap<i64, PersonInfo>,
        below_manager: &HashSet<i64>,
    ) -> bool {
        let person = people.get(&person_id);
        let department_ok = self.department.as_ref().is_none_or(|wanted| {
            person
                .and_then(|p| p.department.as_ref())
                .is_some_and(|d| d.eq_ignore_ascii_case(wanted))
        });
        let role_ok = self
            .role
            .as_ref()
            .is_none_or(|wanted| person.is_some_and(|p| p.roles.iter().any(|r| r == wanted)));
        let manager_ok = self.manager_id.is_none() || below_manager.contains(&person_id);
        department_ok && role_ok && manager_ok
    }
}

/// The tally of all rows.
pub fn overall(rows: &[&ObligationRow]) -> Tally {
    let mut tally = Tally::default();
    for row in rows {
        tally.add(row.status);
    }
    tally
}

fn grouped(
    rows: &[&ObligationRow],
    keys: impl Fn(&ObligationRow) -> Vec<String>,
) -> Vec<Breakdown> {
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for row in rows {
        for key in keys(row) {
            groups.entry(key).or_default().add(row.status);
        }
    }
    ranked(groups)
}

/// Breakdown rows from labelled tallies: most overdue first, then alphabetical.
pub fn ranked(groups: BTreeMap<String, Tally>) -> Vec<Breakdown> {
    let mut result: Vec<Breakdown> = groups
        .into_iter()
        .map(|(label, tally)| Breakdown { label, tally })
        .collect();
    // Most overdue first, then alphabetical.
    result.sort_by(|a, b| {
        b.tally
            .overdue
            .cmp(&a.tally.overdue)
            .then(a.label.cmp(&b.label))
    });
    result
}

/// Tallies by course title.
pub fn by_course(rows: &[&ObligationRow], courses: &BTreeMap<i64, CourseInfo>) -> Vec<Breakdown> {
    grouped(rows, |row| {
        vec![
            courses
                .get(&row.course_id)
                .map_or_else(|| "Unknown course".to_owned(), |c| c.title.clone()),
        ]
    })
}

/// Tallies by department ("No department" for people without one).
pub fn by_department(
    rows: &[&ObligationRow],
    people: &BTreeMap<i64, PersonInfo>,
) -> Vec<Breakdown> {
    grouped(rows, |row| {
        vec![
            people
                .get(&row.person_id)
                .and_then(|p| p.department.clone())
                .unwrap_or_else(|| "No department".to_owned()),
        ]
    })
}

/// Tallies by job role; a person with several roles counts under each. Narrowed to one role
/// (`only`), just that role is tallied: the same obligations under the people's other roles
/// would say nothing about the role asked for.
pub fn by_role(
    rows: &[&ObligationRow],
    people: &BTreeMap<i64, PersonInfo>,
    only: Option<&str>,
) -> Vec<Breakdown> {
    grouped(rows, |row| {
        people
            .get(&row.person_id)
            .map(|p| {
                p.roles
                    .iter()
                    .filter(|role| only.is_none_or(|wanted| *role == wanted))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Tallies by direct manager's name ("No manager" for the top of the tree).
pub fn by_manager(rows: &[&ObligationRow], people: &BTreeMap<i64, PersonInfo>) -> Vec<Breakdown> {
    grouped(rows, |row| {
        let manager = people
            .get(&row.person_id)
            .and_then(|p| p.manager_id)
            .and_then(|id| people.get(&id));
        vec![manager.map_or_else(|| "No manager".to_owned(), |m| m.name.clone())]
    })
}

/// How promptly new hires finished the training assigned when they joined.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeliness {
    /// New-hire obligations whose deadline has passed (or that are already done).
    pub measured: usize,
    /// Of those, completed within the course's due period from the hire date.
    pub on_time: usize,
}

impl Timeliness {
    /// `on_time` as a whole percent of `measured`.
    pub fn percent(&self) -> Option<u32> {
        self.on_time
            .saturating_mul(100)
            .checked_div(self.measured)
            .and_then(|p| u32::try_from(p).ok())
    }
}

/// New-hire timeliness for people hired on or after `since`: of their obligations assigned on
/// their hire date whose window has closed by `today` (or that are done), how many were completed
/// within the course's `due_within` of the hire date. Exemptions are left out.
pub fn new_hire_timeliness(
    rows: &[&ObligationRow],
    people: &BTreeMap<i64, PersonInfo>,
    courses: &BTreeMap<i64, CourseInfo>,
    since: NaiveDate,
    today: NaiveDate,
) -> Timeliness {
    let mut result = Timeliness::default();
    for row in rows.iter().filter(|row| row.status != Status::Exempt) {
        let (Some(person), Some(course)) =
            (people.get(&row.person_id), courses.get(&row.course_id))
        else {
            continue;
        };
        if person.hire_date < since || row.assigned_on != person.hire_date {
            continue;
        }
        let deadline = course.first_deadline(person.hire_date);
        let on_time = row.completed_on.is_some_and(|done| done <= deadline);
        if deadline < today || on_time {
            result.measured += 1;
            if on_time {
                result.on_time += 1;
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// A hand-checked organisation: Ann manages Bob and Cy; Bob manages Dee.
    /// Finance: Ann, Bob. Engineering: Cy, Dee (new hire on 2026-10-01).
    fn people() -> BTreeMap<i64, PersonInfo> {
        let person = |id, name: &str, department: &str, roles: &[&str], manager, hired: &str| {
            (
                id,
                PersonInfo {
                    id,
                    name: name.to_owned(),
                    department: Some(department.to_owned()),
                    roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                    manager_id: manager,
                    hire_date: day(hired),
                },
            )
        };
        BTreeMap::from([
            person(
                1,
                "Ann",
                "Finance",
                &["Department head", "Employee"],
                None,
                "2020-01-01",
            ),
            person(2, "Bob", "Finance", &["Employee"], Some(1), "2021-01-01"),
            person(
                3,
                "Cy",
                "Engineering",
                &["Employee", "Secure development engineer"],
                Some(1),
                "2022-01-01",
            ),
            person(
                4,
                "Dee",
                "Engineering",
                &["Employee", "Secure development engineer"],
                Some(2),
                "2026-10-01",
            ),
        ])
    }

    fn courses() -> BTreeMap<i64, CourseInfo> {
        let thirty = Period::parse("30 days").unwrap();
        BTreeMap::from([
            (
                10,
                CourseInfo {
                    id: 10,
                    title: "Basics".into(),
                    due_within: thirty,
                    start_offset: None,
                },
            ),
            (
                20,
                CourseInfo {
                    id: 20,
                    title: "Secure development".into(),
                    due_within: thirty,
                    start_offset: None,
                },
            ),
        ])
    }

    fn rows() -> Vec<ObligationRow> {
        let row =
            |person_id, course_id, status, assigned: &str, completed: Option<&str>| ObligationRow {
                person_id,
                course_id,
                status,
                assigned_on: day(assigned),
                due_on: day(assigned) + chrono::Duration::days(30),
                completed_on: completed.map(day),
            };
        vec![
            row(1, 10, Status::Completed, "2025-06-01", Some("2025-06-10")),
            row(2, 10, Status::Overdue, "2025-06-01", None),
            row(3, 10, Status::Completed, "2025-06-01", Some("2025-06-20")),
            row(4, 10, Status::Completed, "2026-10-01", Some("2026-10-20")),
            row(3, 20, Status::Exempt, "2025-06-01", None),
            row(4, 20, Status::InProgress, "2026-10-01", None),
        ]
    }

    fn all(rows: &[ObligationRow]) -> Vec<&ObligationRow> {
        rows.iter().collect()
    }

    #[test]
    fn the_overall_tally_matches_the_hand_count() {
        let rows = rows();
        let tally = overall(&all(&rows));
        assert_eq!(
            tally,
            Tally {
                assigned: 6,
                completed: 3,
                exempt: 1,
                in_progress: 1,
                not_started: 0,
                overdue: 1
            }
        );
        assert_eq!(tally.compliant_percent(), Some(66), "4 of 6 up to date");
    }

    #[test]
    fn breakdowns_match_the_hand_count() {
        let rows = rows();
        let rows = all(&rows);
        let by_course = by_course(&rows, &courses());
        assert_eq!(by_course[0].label, "Basics", "most overdue first");
        assert_eq!(
            (
                by_course[0].tally.assigned,
                by_course[0].tally.completed,
                by_course[0].tally.overdue
            ),
            (4, 3, 1)
        );
        assert_eq!(
            (
                by_course[1].tally.assigned,
                by_course[1].tally.exempt,
                by_course[1].tally.in_progress
            ),
            (2, 1, 1)
        );

        let by_department = by_department(&rows, &people());
        assert_eq!(
            by_department
                .iter()
                .map(|b| (
                    b.label.as_str(),
                    b.tally.assigned,
                    b.tally.compliant_percent()
                ))
                .collect::<Vec<_>>(),
            [("Finance", 2, Some(50)), ("Engineering", 4, Some(75)),]
        );

        let by_role = by_role(&rows, &people(), None);
        let employee = by_role.iter().find(|b| b.label == "Employee").unwrap();
        assert_eq!(employee.tally.assigned, 6, "everyone holds Employee");
        let developer = by_role
            .iter()
            .find(|b| b.label == "Secure development engineer")
            .unwrap();
        assert_eq!(
            (
                developer.tally.assigned,
                developer.tally.compliant_percent()
            ),
            (4, Some(75))
        );
        let narrowed = super::by_role(&rows, &people(), Some("Secure development engineer"));
        assert_eq!(
            narrowed
                .iter()
                .map(|b| (b.label.as_str(), b.tally.assigned))
                .collect::<Vec<_>>(),
            [("Secure development engineer", 4)],
            "narrowed to a role, its holders' other roles are not tallied"
        );

        let by_manager = by_manager(&rows, &people());
        assert_eq!(
            by_manager
                .iter()
                .map(|b| (b.label.as_str(), b.tally.assigned))
                .collect::<Vec<_>>(),
            [("Ann", 3), ("Bob", 2), ("No manager", 1)]
        );
    }

    #[test]
    fn filters_narrow_every_number() {
        let rows = rows();
        let people = people();
        let engineering = filter(
            &rows,
            &people,
            &Filter {
                department: Some("engineering".into()),
                ..Default::default()
            },
            &HashSet::new(),
        );
        assert_eq!(engineering.len(), 4);
        let basics_overdue = filter(
            &rows,
            &people,
            &Filter {
                course_id: Some(10),
                status: Some(Status::Overdue),
                ..Default::default()
            },
            &HashSet::new(),
        );
        assert_eq!(
            basics_overdue
                .iter()
                .map(|r| r.person_id)
                .collect::<Vec<_>>(),
            [2]
        );
        let bobs_team = filter(
            &rows,
            &people,
            &Filter {
                manager_id: Some(2),
                ..Default::default()
            },
            &HashSet::from([4]),
        );
        assert_eq!(
            bobs_team.iter().map(|r| r.person_id).collect::<Vec<_>>(),
            [4, 4]
        );
        let developers = filter(
            &rows,
            &people,
            &Filter {
                role: Some("Secure development engineer".into()),
                ..Default::default()
            },
            &HashSet::new(),
        );
        assert_eq!(developers.len(), 4);
    }

    #[test]
    fn new_hire_timeliness_counts_closed_windows_and_early_finishes() {
        let rows = rows();
        let rows = all(&rows);
        // Dee, hired 2026-10-01: Basics done on day 19 (on time); Secure development in progress.
        let during = new_hire_timeliness(
            &rows,
            &people(),
            &courses(),
            day("2026-01-01"),
            day("2026-10-25"),
        );
        assert_eq!(
            during,
            Timeliness {
                measured: 1,
                on_time: 1
            },
            "the open window is not counted yet"
        );
        let after = new_hire_timeliness(
            &rows,
            &people(),
            &courses(),
            day("2026-01-01"),
            day("2026-11-21"),
        );
        assert_eq!(
            after,
            Timeliness {
                measured: 2,
                on_time: 1
            }
        );
        assert_eq!(after.percent(), Some(50));
        let nobody = new_hire_timeliness(
            &rows,
            &people(),
            &courses(),
            day("2026-11-01"),
            day("2026-11-21"),
        );
        assert_eq!(nobody.percent(), None);
    }
}
