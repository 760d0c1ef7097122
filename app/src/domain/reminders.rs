//! Automatic reminders and escalation: who is told what on a given day.
//!
//! Pure: it takes the schedule, today's date, people with their managers, everyone's open
//! obligations, which reminders have already gone out, and who already got a message today, and
//! returns at most one planned message per person.
//!
//! The rules (each can be switched off in the schedule):
//! - A person is told when a course is assigned to them (within a week of the assignment, so a
//!   day Vigil was down is caught up), `days_before_due` before it is due (unless it was assigned
//!   after that point: the assignment notice already gave the date), on the due date, and every
//!   `overdue_every_days` while it is overdue.
//! - Escalation: once an obligation is `escalate_after_days` overdue, the person's manager is
//!   told once; `escalate_again_after_days` later, the manager's manager is told once.
//! - A weekly digest, if switched on, tells every manager their whole team's status.
//! - Everything for one person on one day goes into one message. Somebody who already got a
//!   message today (a manager's reminder, say) gets nothing more today; what was due for them
//!   is sent tomorrow, since each rule keeps firing until it is recorded as sent.
//! - Nobody deactivated is mailed, and a deactivated person's obligations are never mentioned.
//! - Each (person, course, rule, date) fires once: the caller records the returned keys in the
//!   same transaction as the messages.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::team::{Scope, reports_of};
use crate::error::Invalid;

/// How far back an assignment notice is still sent.
pub const ASSIGNMENT_CATCH_UP_DAYS: i64 = 7;

/// The schedule a compliance administrator sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReminderSchedule {
    /// Whether scheduled reminders go out at all.
    pub enabled: bool,
    pub on_assignment: bool,
    pub days_before_due: Option<u32>,
    pub on_due_date: bool,
    pub overdue_every_days: Option<u32>,
    pub escalate_after_days: Option<u32>,
    /// Days after the first escalation before the manager's manager is told.
    pub escalate_again_after_days: Option<u32>,
    /// ISO weekday (1 = Monday … 7 = Sunday) of the weekly digest to managers; `None` for none.
    pub digest_weekday: Option<u32>,
    /// The hour of the day (UTC) the daily run starts.
    pub send_hour_utc: u32,
}

impl Default for ReminderSchedule {
    fn default() -> Self {
        Self {
            enabled: true,
            on_assignment: true,
            days_before_due: Some(7),
            on_due_date: true,
            overdue_every_days: Some(7),
            escalate_after_days: Some(7),
            escalate_again_after_days: Some(14),
            digest_weekday: None,
            send_hour_utc: 8,
        }
    }
}

impl ReminderSchedule {
    /// Checks every number; the error names what to fix.
    pub fn validate(&self) -> Result<(), Invalid> {
        for days in [
            self.days_before_due,
            self.overdue_every_days,
            self.escalate_after_days,
            self.escalate_again_after_days,
        ]
        .into_iter()
        .flatten()
        {
            if !(1..=365).contains(&days) {
                return Err(Invalid::ReminderDays);
            }
        }
        if self
            .digest_weekday
            .is_some_and(|day| !(1..=7).contains(&day))
        {
            return Err(Invalid::DigestWeekday);
        }
        if self.send_hour_utc > 23 {
            return Err(Invalid::SendHour);
        }
        Ok(())
    }
}

/// Why an entry was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Trigger {
    Assigned,
    BeforeDue,
    DueToday,
    Overdue,
    Escalation,
    SecondEscalation,
    Digest,
    /// A manager pressed "Send reminder".
    Manual,
}

impl Trigger {
    /// Every trigger.
    pub const ALL: [Self; 8] = [
        Self::Assigned,
        Self::BeforeDue,
        Self::DueToday,
        Self::Overdue,
        Self::Escalation,
        Self::SecondEscalation,
        Self::Digest,
        Self::Manual,
    ];

    /// The stored spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Assigned => "assigned",
            Self::BeforeDue => "before_due",
            Self::DueToday => "due_today",
            Self::Overdue => "overdue",
            Self::Escalation => "escalation",
            Self::SecondEscalation => "second_escalation",
            Self::Digest => "digest",
            Self::Manual => "manual",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == input)
    }

    /// A label for reports.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Assigned => "newly assigned",
            Self::BeforeDue => "due soon",
            Self::DueToday => "due today",
            Self::Overdue => "overdue",
            Self::Escalation => "escalated to manager",
            Self::SecondEscalation => "escalated to manager's manager",
            Self::Digest => "weekly team digest",
            Self::Manual => "reminder from a manager",
        }
    }
}

/// A person as the planner needs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub active: bool,
    pub manager_id: Option<i64>,
}

/// One obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub person_id: i64,
    pub course_id: i64,
    pub assigned_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Completed or exempt: nothing to remind about.
    pub settled: bool,
}

/// What makes an entry unique: it fires once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// Whose obligation it is (the manager, for a digest).
    pub subject: i64,
    /// 0 for a digest.
    pub course: i64,
    pub trigger: Trigger,
    pub on: NaiveDate,
}

/// One of the recipient's own obligations in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnEntry {
    pub course_id: i64,
    pub trigger: Trigger,
    pub due_on: NaiveDate,
    pub days_overdue: i64,
}

/// A report's overdue obligation, told to a manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escalated {
    pub report_id: i64,
    pub course_id: i64,
    pub due_on: NaiveDate,
    pub days_overdue: i64,
    pub trigger: Trigger,
}

/// A manager's whole team, for the weekly digest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digest {
    pub people: usize,
    pub obligations: usize,
    pub settled: usize,
    pub due_within_week: usize,
    /// (report, course, due date), most overdue first.
    pub overdue: Vec<(i64, i64, NaiveDate)>,
}

/// One message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub recipient: i64,
    pub own: Vec<OwnEntry>,
    pub escalations: Vec<Escalated>,
    pub digest: Option<Digest>,
    /// Record these with the message so that nothing fires twice.
    pub keys: Vec<Key>,
}

/// Everything the planner reads.
pub struct PlanInput<'a> {
    pub today: NaiveDate,
    pub schedule: &'a ReminderSchedule,
    pub people: &'a [Person],
    pub items: &'a [Item],
    /// Entries already sent.
    pub fired: &'a HashSet<Key>,
    /// People who already got a reminder-like message today.
    pub messaged_today: &'a HashSet<i64>,
}

/// The messages for `input.today`, by recipient id.
pub fn plan(input: &PlanInput<'_>) -> Vec<Planned> {
    let schedule = input.schedule;
    if !schedule.enabled {
        return Vec::new();
    }
    let people: HashMap<i64, Person> = input.people.iter().map(|p| (p.id, *p)).collect();
    let is_active = |id: i64| people.get(&id).is_some_and(|p| p.active);
    let manager_of = |id: i64| {
        people
            .get(&id)
            .and_then(|p| p.manager_id)
            .filter(|m| is_active(*m) && *m != id)
    };
    let today = input.today;
    let mut messages: BTreeMap<i64, Planned> = BTreeMap::new();

    let add_own = |messages: &mut BTreeMap<i64, Planned>, item: &Item, trigger: Trigger, on| {
        let key = Key {
            subject: item.person_id,
            course: item.course_id,
            trigger,
            on,
        };
        if input.fired.contains(&key) {
            return;
        }
        let planned = planned_for(messages, item.person_id);
        planned.own.push(OwnEntry {
            course_id: item.course_id,
            trigger,
            due_on: item.due_on,
            days_overdue: (today - item.due_on).num_days().max(0),
        });
        planned.keys.push(key);
    };

    for item in input.items {
        if item.settled || !is_active(item.person_id) {
            continue;
        }
        if let Some((trigger, on)) = own_trigger(schedule, item, today) {
            add_own(&mut messages, item, trigger, on);
        }
        let days_overdue = (today - item.due_on).num_days();
        if let Some(first) = schedule.escalate_after_days.map(i64::from)
            && days_overdue >= first
        {
            let mut escalate = |recipient: Option<i64>, trigger: Trigger| {
                let Some(recipient) = recipient else { return };
                let key = Key {
                    subject: item.person_id,
                    course: item.course_id,
                    trigger,
                    on: item.due_on,
                };
                if input.fired.contains(&key) {
                    return;
                }
                let planned = planned_for(&mut messages, recipient);
                planned.escalations.push(Escalated {
                    report_id: item.person_id,
                    course_id: item.course_id,
                    due_on: item.due_on,
                    days_overdue,
                    trigger,
                });
                planned.keys.push(key);
            };
            let manager = manager_of(item.person_id);
            escalate(manager, Trigger::Escalation);
            if let Some(again) = schedule.escalate_again_after_days.map(i64::from)
                && days_overdue >= first + again
            {
                escalate(manager.and_then(manager_of), Trigger::SecondEscalation);
            }
        }
    }

    if schedule.digest_weekday == Some(today.weekday().number_from_monday()) {
        let links: Vec<(i64, Option<i64>)> = input
            .people
            .iter()
            .filter(|p| p.active)
            .map(|p| (p.id, p.manager_id))
            .collect();
        let managers: Vec<i64> = {
            let mut ids: Vec<i64> = links
                .iter()
                .filter_map(|(_, m)| *m)
                .filter(|m| is_active(*m))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        for manager in managers {
            let key = Key {
                subject: manager,
                course: 0,
                trigger: Trigger::Digest,
                on: today,
            };
            if input.fired.contains(&key) {
                continue;
            }
            let team: HashSet<i64> = reports_of(manager, &links, Scope::AllBelow)
                .into_iter()
                .collect();
            let planned = planned_for(&mut messages, manager);
            planned.digest = Some(digest(&team, input.items, today));
            planned.keys.push(key);
        }
    }

    messages
        .into_values()
        .filter(|planned| is_active(planned.recipient))
        .filter(|planned| !input.messaged_today.contains(&planned.recipient))
        .map(|mut planned| {
            planned.own.sort_by_key(|e| (e.due_on, e.course_id));
            planned
                .escalations
                .sort_by_key(|e| (std::cmp::Reverse(e.days_overdue), e.report_id, e.course_id));
            planned.keys.sort();
            planned
        })
        .collect()
}

fn planned_for(messages: &mut BTreeMap<i64, Planned>, recipient: i64) -> &mut Planned {
    messages.entry(recipient).or_insert_with(|| Planned {
        recipient,
        own: Vec::new(),
        escalations: Vec::new(),
        digest: None,
        keys: Vec::new(),
    })
}

/// The most pressing rule that applies to an open obligation today, and its date.
fn own_trigger(
    schedule: &ReminderSchedule,
    item: &Item,
    today: NaiveDate,
) -> Option<(Trigger, NaiveDate)> {
    let days_overdue = (today - item.due_on).num_days();
    if let Some(every) = schedule.overdue_every_days.map(i64::from)
        && days_overdue >= every
    {
        // The latest reminder point reached: due + every, due + 2·every, …
        let on = item.due_on + chrono::Duration::days(days_overdue / every * every);
        return Some((Trigger::Overdue, on));
    }
    if schedule.on_due_date && days_overdue >= 0 {
        // Caught up until the first overdue reminder takes over.
        let window = schedule.overdue_every_days.map_or(i64::MAX, i64::from);
        return (days_overdue < window).then_some((Trigger::DueToday, item.due_on));
    }
    if days_overdue >= 0 {
        return None;
    }
    let since_assigned = (today - item.assigned_on).num_days();
    if schedule.on_assignment && (0..ASSIGNMENT_CATCH_UP_DAYS).contains(&since_assigned) {
        return Some((Trigger::Assigned, item.assigned_on));
    }
    if let Some(before) = schedule.days_before_due.map(i64::from) {
        let point = item.due_on - chrono::Duration::days(before);
        if point <= today && item.assigned_on <= point {
            return Some((Trigger::BeforeDue, item.due_on));
        }
    }
    None
}

fn digest(team: &HashSet<i64>, items: &[Item], today: NaiveDate) -> Digest {
    let mut digest = Digest {
        people: team.len(),
        ..Digest::default()
    };
    for item in items.iter().filter(|i| team.contains(&i.person_id)) {
        digest.obligations += 1;
        if item.settled {
            digest.settled += 1;
        } else if item.due_on < today {
            digest
                .overdue
                .push((item.person_id, item.course_id, item.due_on));
        } else if (item.due_on - today).num_days() <= 7 {
            digest.due_within_week += 1;
        }
    }
    digest
        .overdue
        .sort_by_key(|(person, course, due)| (*due, *person, *course));
    digest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    // 1 heads the organisation; 2 manages 3 and 4; 3 manages 5. 6 has left.
    fn people() -> Vec<Person> {
        let p = |id, manager| Person {
            id,
            active: true,
            manager_id: manager,
        };
        vec![
            p(1, None),
            p(2, Some(1)),
            p(3, Some(2)),
            p(4, Some(2)),
            p(5, Some(3)),
            Person {
                id: 6,
                active: false,
                manager_id: Some(2),
            },
        ]
    }

    fn item(person_id: i64, course_id: i64, assigned: NaiveDate, due: NaiveDate) -> Item {
        Item {
            person_id,
            course_id,
            assigned_on: assigned,
            due_on: due,
            settled: false,
        }
    }

    fn run(today: NaiveDate, items: &[Item], fired: &HashSet<Key>) -> Vec<Planned> {
        plan(&PlanInput {
            today,
            schedule: &ReminderSchedule::default(),
            people: &people(),
            items,
            fired,
            messaged_today: &HashSet::new(),
        })
    }

    /// What one recipient is told: (recipient, trigger, subject person, course).
    type Told = (i64, Trigger, i64, i64);

    /// What each recipient is told.
    fn told(planned: &[Planned]) -> Vec<Told> {
        let mut out = Vec::new();
        for message in planned {
            for own in &message.own {
                out.push((
                    message.recipient,
                    own.trigger,
                    message.recipient,
                    own.course_id,
                ));
            }
            for e in &message.escalations {
                out.push((message.recipient, e.trigger, e.report_id, e.course_id));
            }
            if message.digest.is_some() {
                out.push((message.recipient, Trigger::Digest, message.recipient, 0));
            }
        }
        out
    }

    /// Runs the default schedule day by day, recording what fired, and returns what was told
    /// on each day that something was.
    fn simulate(from: NaiveDate, to: NaiveDate, items: &[Item]) -> Vec<(NaiveDate, Vec<Told>)> {
        let mut fired = HashSet::new();
        let mut days = Vec::new();
        let mut today = from;
        while today <= to {
            let planned = run(today, items, &fired);
            for message in &planned {
                fired.extend(message.keys.iter().copied());
            }
            let told = told(&planned);
            if !told.is_empty() {
                days.push((today, told));
            }
            today = today.succ_opt().unwrap();
        }
        days
    }

    #[test]
    fn the_default_schedule_over_two_months_for_one_late_learner() {
        // Person 5 gets course 10 on 1 March, due 31 March, and never does it.
        let items = [item(5, 10, date(3, 1), date(3, 31))];
        let days = simulate(date(3, 1), date(5, 10), &items);
        let mut expected = vec![
            (date(3, 1), vec![(5, Trigger::Assigned, 5, 10)]),
            (date(3, 24), vec![(5, Trigger::BeforeDue, 5, 10)]),
            (date(3, 31), vec![(5, Trigger::DueToday, 5, 10)]),
            // 7 days overdue: the reminder, and 5's manager (3) is told.
            (
                date(4, 7),
                vec![
                    (3, Trigger::Escalation, 5, 10),
                    (5, Trigger::Overdue, 5, 10),
                ],
            ),
            (date(4, 14), vec![(5, Trigger::Overdue, 5, 10)]),
            // 7 + 14 = 21 days overdue: the manager's manager (2) is told.
            (
                date(4, 21),
                vec![
                    (2, Trigger::SecondEscalation, 5, 10),
                    (5, Trigger::Overdue, 5, 10),
                ],
            ),
            (date(4, 28), vec![(5, Trigger::Overdue, 5, 10)]),
            (date(5, 5), vec![(5, Trigger::Overdue, 5, 10)]),
        ];
        let mut actual = days;
        for (_, told) in actual.iter_mut().chain(expected.iter_mut()) {
            told.sort();
        }
        assert_eq!(actual, expected);
    }

    #[test]
    fn a_completed_or_exempt_obligation_is_never_mentioned() {
        let mut settled = item(4, 10, date(3, 1), date(3, 31));
        settled.settled = true;
        assert!(simulate(date(3, 1), date(6, 1), &[settled]).is_empty());
    }

    #[test]
    fn several_items_for_one_person_make_one_message() {
        let items = [
            item(4, 10, date(3, 1), date(3, 31)),
            item(4, 11, date(3, 1), date(4, 30)),
            item(4, 12, date(2, 1), date(2, 20)),
        ];
        let planned = run(date(3, 1), &items, &HashSet::new());
        let to_four: Vec<&Planned> = planned.iter().filter(|p| p.recipient == 4).collect();
        assert_eq!(to_four.len(), 1);
        assert_eq!(to_four[0].own.len(), 3);
        // 12 is overdue by 9 days: the first overdue reminder and an escalation to 2.
        assert!(
            planned
                .iter()
                .any(|p| p.recipient == 2 && p.escalations.len() == 1)
        );
    }

    #[test]
    fn a_person_already_messaged_today_is_told_tomorrow_instead() {
        let items = [item(4, 10, date(3, 1), date(3, 31))];
        let messaged = HashSet::from([4]);
        let schedule = ReminderSchedule::default();
        let today = plan(&PlanInput {
            today: date(3, 1),
            schedule: &schedule,
            people: &people(),
            items: &items,
            fired: &HashSet::new(),
            messaged_today: &messaged,
        });
        assert!(today.is_empty());
        let tomorrow = run(date(3, 2), &items, &HashSet::new());
        assert_eq!(told(&tomorrow), [(4, Trigger::Assigned, 4, 10)]);
    }

    #[test]
    fn nobody_deactivated_is_mailed_or_mentioned() {
        // 6 has left; 3's manager 2 is fine, but make 2 inactive to cut the escalation off.
        let items = [
            item(6, 10, date(3, 1), date(3, 2)),
            item(3, 10, date(1, 1), date(2, 1)),
        ];
        let mut everyone = people();
        everyone[1].active = false;
        let planned = plan(&PlanInput {
            today: date(3, 15),
            schedule: &ReminderSchedule::default(),
            people: &everyone,
            items: &items,
            fired: &HashSet::new(),
            messaged_today: &HashSet::new(),
        });
        assert!(planned.iter().all(|p| p.recipient != 6 && p.recipient != 2));
        assert!(
            planned
                .iter()
                .flat_map(|p| &p.escalations)
                .all(|e| e.report_id != 6)
        );
        // 3's own overdue reminder still goes out; the second escalation skips to nobody.
        assert_eq!(told(&planned), [(3, Trigger::Overdue, 3, 10)]);
    }

    #[test]
    fn an_assignment_close_to_its_due_date_gets_no_separate_due_soon_notice() {
        let items = [item(4, 10, date(3, 28), date(3, 31))];
        let days = simulate(date(3, 20), date(3, 31), &items);
        let triggers: Vec<Trigger> = days
            .iter()
            .flat_map(|(_, t)| t.iter().map(|x| x.1))
            .collect();
        assert_eq!(triggers, [Trigger::Assigned, Trigger::DueToday]);
    }

    #[test]
    fn switching_on_for_an_old_backlog_sends_one_overdue_reminder_not_the_history() {
        let items = [item(4, 10, date(1, 1), date(1, 31))];
        let planned = run(date(3, 15), &items, &HashSet::new());
        let own: Vec<Trigger> = planned
            .iter()
            .flat_map(|p| p.own.iter().map(|e| e.trigger))
            .collect();
        assert_eq!(own, [Trigger::Overdue]);
    }

    #[test]
    fn the_weekly_digest_goes_to_every_active_manager_on_its_day() {
        let schedule = ReminderSchedule {
            digest_weekday: Some(1),
            ..ReminderSchedule::default()
        };
        let items = [
            item(3, 10, date(1, 1), date(2, 1)),
            item(5, 10, date(3, 1), date(3, 20)),
        ];
        // 16 March 2026 is a Monday.
        let planned = plan(&PlanInput {
            today: date(3, 16),
            schedule: &schedule,
            people: &people(),
            items: &items,
            fired: &HashSet::new(),
            messaged_today: &HashSet::new(),
        });
        let digests: BTreeMap<i64, &Digest> = planned
            .iter()
            .filter_map(|p| p.digest.as_ref().map(|d| (p.recipient, d)))
            .collect();
        assert_eq!(digests.keys().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(digests[&2].people, 3);
        assert_eq!(digests[&2].overdue.len(), 1);
        assert_eq!(digests[&2].due_within_week, 1);
        let tuesday = plan(&PlanInput {
            today: date(3, 17),
            schedule: &schedule,
            people: &people(),
            items: &items,
            fired: &HashSet::new(),
            messaged_today: &HashSet::new(),
        });
        assert!(tuesday.iter().all(|p| p.digest.is_none()));
    }

    #[test]
    fn a_disabled_schedule_plans_nothing() {
        let schedule = ReminderSchedule {
            enabled: false,
            ..ReminderSchedule::default()
        };
        let items = [item(4, 10, date(3, 1), date(3, 2))];
        assert!(
            plan(&PlanInput {
                today: date(3, 1),
                schedule: &schedule,
                people: &people(),
                items: &items,
                fired: &HashSet::new(),
                messaged_today: &HashSet::new(),
            })
            .is_empty()
        );
    }

    #[test]
    fn schedule_numbers_are_checked() {
        assert_eq!(ReminderSchedule::default().validate(), Ok(()));
        let bad = ReminderSchedule {
            overdue_every_days: Some(0),
            ..ReminderSchedule::default()
        };
        assert_eq!(bad.validate(), Err(Invalid::ReminderDays));
        let bad = ReminderSchedule {
            digest_weekday: Some(8),
            ..ReminderSchedule::default()
        };
        assert_eq!(bad.validate(), Err(Invalid::DigestWeekday));
        let bad = ReminderSchedule {
            send_hour_utc: 24,
            ..ReminderSchedule::default()
        };
        assert_eq!(bad.validate(), Err(Invalid::SendHour));
    }
}
