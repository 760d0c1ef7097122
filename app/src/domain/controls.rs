//! What an evidence pack shows for each control auditors ask about. The requirement texts are
//! short paraphrases (the standards' own wording is copyright); the evidence lines are computed
//! from the pack's contents.

use chrono::NaiveDate;
use serde::Serialize;

/// The numbers an evidence pack is built from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PackFacts {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub people_in_scope: usize,
    pub people_without_training: usize,
    pub obligations: usize,
    pub up_to_date: usize,
    pub overdue: usize,
    pub exempt: usize,
    pub completions: usize,
    pub failed_attempts: usize,
    pub acknowledgements: usize,
    pub instructor_led: usize,
    pub sessions: usize,
    /// Reminder messages queued in the period whose delivery the SMTP server accepted.
    pub reminders_sent: usize,
    /// Reminder messages still waiting for delivery when the pack was made.
    pub reminders_queued: usize,
    /// Reminder messages that were never delivered (failed, or cancelled for a leaver).
    pub reminders_not_delivered: usize,
    pub exemptions: usize,
    pub versions_published: usize,
    pub material_versions: usize,
    pub new_hires_measured: usize,
    pub new_hires_on_time: usize,
    pub courses: Vec<CourseFact>,
    pub ledger_records: usize,
    pub ledger_intact: bool,
    pub audit_events: usize,
    /// Checkpoints queued for witnesses in the period whose delivery was accepted.
    pub witness_checkpoints_sent: usize,
    /// Checkpoints queued for witnesses in the period not delivered (yet, or ever).
    pub witness_checkpoints_unsent: usize,
    /// Where the programme's review stands at the period's end
    /// (`programme_review::standing`).
    pub programme_review: String,
}

/// A topic-specific control a course can declare it is evidence for (`controls = [...]` in
/// `course.toml`). Controls every course serves (ISO/IEC 27001 A.6.3, SOC 2, NIST AT-2 to AT-4)
/// are not declared: they follow from the programme as a whole and from each course's audience.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CourseControl {
    pub id: &'static str,
    /// What a course declaring it covers, as shown in the pack.
    pub topic: &'static str,
}

/// Every control a course may declare.
pub const COURSE_CONTROLS: &[CourseControl] = &[
    CourseControl {
        id: "pci-dss-12.6.3.1",
        topic: "PCI DSS 12.6.3.1: phishing and related attacks, and social engineering",
    },
    CourseControl {
        id: "pci-dss-12.6.3.2",
        topic: "PCI DSS 12.6.3.2: acceptable use of end-user technologies",
    },
    CourseControl {
        id: "hipaa-164.308(a)(5)(ii)(A)",
        topic: "HIPAA 164.308(a)(5)(ii)(A): security reminders",
    },
    CourseControl {
        id: "hipaa-164.308(a)(5)(ii)(B)",
        topic: "HIPAA 164.308(a)(5)(ii)(B): protection from malicious software",
    },
    CourseControl {
        id: "hipaa-164.308(a)(5)(ii)(C)",
        topic: "HIPAA 164.308(a)(5)(ii)(C): log-in monitoring",
    },
    CourseControl {
        id: "hipaa-164.308(a)(5)(ii)(D)",
        topic: "HIPAA 164.308(a)(5)(ii)(D): password management",
    },
    CourseControl {
        id: "nist-at-2(2)",
        topic: "NIST AT-2(2): insider threat",
    },
    CourseControl {
        id: "nist-at-2(3)",
        topic: "NIST AT-2(3): social engineering and mining",
    },
    CourseControl {
        id: "nist-at-2(4)",
        topic: "NIST AT-2(4): suspicious communications and anomalous system behaviour",
    },
];

/// Looks a declarable control up by id.
pub fn course_control(id: &str) -> Option<&'static CourseControl> {
    COURSE_CONTROLS.iter().find(|c| c.id == id)
}

/// One course in the programme.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CourseFact {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub audience: String,
    pub recurrence: String,
    pub completions_in_period: usize,
    /// The controls its current version declares (`course.toml`).
    pub controls: Vec<String>,
}

/// One control's summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ControlSummary {
    pub framework: &'static str,
    pub control: &'static str,
    pub requirement: &'static str,
    pub evidence: Vec<String>,
    pub files: Vec<&'static str>,
}

fn percent(part: usize, whole: usize) -> String {
    part.saturating_mul(100)
        .checked_div(whole)
        .map_or_else(|| "n/a".to_owned(), |p| format!("{p}%"))
}

/// Courses whose current version declares a control whose id starts with `prefix`, each with
/// the topics it declares under it.
fn declaring(facts: &PackFacts, prefix: &str) -> Vec<String> {
    facts
        .courses
        .iter()
        .filter_map(|c| {
            let topics: Vec<&str> = c
                .controls
                .iter()
                .filter(|id| id.starts_with(prefix))
                .filter_map(|id| course_control(id).map(|control| control.topic))
                .collect();
            (!topics.is_empty()).then(|| {
                format!(
                    "{} ({} completions in the period) covers {}",
                    c.title,
                    c.completions_in_period,
                    topics.join("; ")
                )
            })
        })
        .collect()
}

/// The summary of every control, from the pack's facts.
pub fn summaries(facts: &PackFacts) -> Vec<ControlSummary> {
    let period = format!("{} to {}", facts.from, facts.to);
    let coverage = format!(
        "At {}, {} people were in scope with {} training obligations: {} up to date ({}), {} overdue, {} exempt with recorded reasons.",
        facts.to,
        facts.people_in_scope,
        facts.obligations,
        facts.up_to_date,
        percent(facts.up_to_date, facts.obligations),
        facts.overdue,
        facts.exempt
    );
    let records = format!(
        "{} completion records in {period}: {} passed quiz attempts and acknowledgements, {} failed attempts (kept, and retaken), {} instructor-led attendances.",
        facts.completions + facts.failed_attempts,
        facts.completions,
        facts.failed_attempts,
        facts.instructor_led
    );
    let ledger = format!(
        "The completion ledger ({} records in total) is append-only and hash-chained; its verification at export {}.",
        facts.ledger_records,
        if facts.ledger_intact {
            "succeeded"
        } else {
            "FAILED: see ledger-verification.txt"
        }
    );
    let new_hires = format!(
        "New hires: {} of {} training obligations due in their first weeks were completed within the due period ({}).",
        facts.new_hires_on_time,
        facts.new_hires_measured,
        percent(facts.new_hires_on_time, facts.new_hires_measured)
    );
    let programme: Vec<String> = facts
        .courses
        .iter()
        .map(|c| {
            format!(
                "{} ({}): assigned to {}, recurring {}.",
                c.title, c.kind, c.audience, c.recurrence
            )
        })
        .collect();
    let review = format!(
        "{} course versions were published in {period} ({} marked as material changes that everyone must retake); each version's notes and exact text are in courses/.",
        facts.versions_published, facts.material_versions
    );
    let policies = format!(
        "{} policy and bulletin acknowledgements were recorded in {period}.",
        facts.acknowledgements
    );
    let reminders = format!(
        "{} reminder messages to people with outstanding training in {period} were delivered to the mail server; {} were still queued (not sent) when this pack was made, and {} were not delivered (failed or cancelled). Each is listed in reminders.csv with its state and times.",
        facts.reminders_sent, facts.reminders_queued, facts.reminders_not_delivered
    );

    vec![
        ControlSummary {
            framework: "ISO/IEC 27001:2022",
            control: "A.6.3 Information security awareness, education and training",
            requirement: "Personnel receive awareness, education and training appropriate to their job function, and regular updates on policies and procedures.",
            evidence: [
                vec![coverage.clone(), records.clone()],
                programme.clone(),
                vec![review.clone(), policies.clone()],
            ]
            .concat(),
            files: vec![
                "roster.csv",
                "completions.csv",
                "courses.csv",
                "courses/",
                "acknowledgements.csv",
            ],
        },
        ControlSummary {
            framework: "SOC 2 (2017 Trust Services Criteria)",
            control: "CC1.4 Commitment to competence",
            requirement: "The organisation attracts, develops and retains competent people, including through training for their roles.",
            evidence: vec![
                coverage.clone(),
                records.clone(),
                format!(
                    "Role-based courses: {}.",
                    facts
                        .courses
                        .iter()
                        .filter(|c| c.audience != "everyone")
                        .map(|c| c.title.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ],
            files: vec!["roster.csv", "completions.csv", "courses.csv"],
        },
        ControlSummary {
            framework: "SOC 2 (2017 Trust Services Criteria)",
            control: "CC2.2 Internal communication",
            requirement: "The organisation communicates information about objectives and responsibilities for internal control to its people.",
            evidence: vec![
                policies.clone(),
                reminders.clone(),
                format!(
                    "{} sessions of instructor-led training were recorded.",
                    facts.sessions
                ),
            ],
            files: vec!["acknowledgements.csv", "reminders.csv", "sessions.csv"],
        },
        ControlSummary {
            framework: "PCI DSS v4.0",
            control: "12.6.1 A formal security awareness programme",
            requirement: "All personnel are made aware of the security policy and procedures and their role in protecting cardholder data.",
            evidence: [vec![coverage.clone()], programme].concat(),
            files: vec!["index.html", "courses.csv", "roster.csv"],
        },
        ControlSummary {
            framework: "PCI DSS v4.0",
            control: "12.6.2 The programme is reviewed at least every 12 months",
            requirement: "The awareness programme is reviewed at least once every 12 months and updated as needed.",
            evidence: vec![facts.programme_review.clone(), review.clone()],
            files: vec![
                "programme-reviews.csv",
                "courses.csv",
                "courses/",
                "audit-log.csv",
            ],
        },
        ControlSummary {
            framework: "PCI DSS v4.0",
            control: "12.6.3 Training on hire and at least every 12 months",
            requirement: "Personnel receive awareness training on hire and at least once every 12 months, and acknowledge the security policy at least every 12 months; training covers phishing and social engineering (12.6.3.1) and acceptable use (12.6.3.2).",
            evidence: [
                vec![new_hires.clone(), coverage.clone(), policies.clone()],
                declaring(facts, "pci-dss-12.6.3.")
                    .into_iter()
                    .map(|c| format!("{c}."))
                    .collect(),
            ]
            .concat(),
            files: vec!["roster.csv", "completions.csv", "acknowledgements.csv"],
        },
        ControlSummary {
            framework: "HIPAA Security Rule",
            control: "45 CFR 164.308(a)(5) Security awareness and training",
            requirement: "A security awareness and training programme for all members of the workforce, including management; addressable specifications cover security reminders, protection from malicious software, log-in monitoring and password management.",
            evidence: [
                vec![coverage.clone(), reminders.clone()],
                declaring(facts, "hipaa-")
                    .into_iter()
                    .map(|c| format!("{c}."))
                    .collect(),
            ]
            .concat(),
            files: vec!["roster.csv", "completions.csv", "reminders.csv"],
        },
        ControlSummary {
            framework: "NIST SP 800-53 Rev. 5",
            control: "AT-2 Literacy training and awareness",
            requirement: "Users receive security literacy training when they start, when systems change, and at a defined frequency after that, including on social engineering.",
            evidence: [
                vec![new_hires, coverage.clone(), review],
                declaring(facts, "nist-at-2(")
                    .into_iter()
                    .map(|c| format!("{c}."))
                    .collect(),
            ]
            .concat(),
            files: vec!["roster.csv", "completions.csv", "courses.csv"],
        },
        ControlSummary {
            framework: "NIST SP 800-53 Rev. 5",
            control: "AT-3 Role-based training",
            requirement: "People with security roles and responsibilities receive training for them before taking them up and at a defined frequency.",
            evidence: vec![format!(
                "Role-based courses and their audiences: {}.",
                facts
                    .courses
                    .iter()
                    .filter(|c| c.audience != "everyone")
                    .map(|c| format!("{} → {}", c.title, c.audience))
                    .collect::<Vec<_>>()
                    .join("; ")
            )],
            files: vec!["courses.csv", "roster.csv"],
        },
        ControlSummary {
            framework: "NIST SP 800-53 Rev. 5",
            control: "AT-4 Training records",
            requirement: "Security training activities are documented and monitored, and records are kept for a defined period.",
            evidence: vec![
                records,
                ledger,
                format!(
                    "{} administrative actions are in the audit log for the period.",
                    facts.audit_events
                ),
            ],
            files: vec![
                "completions.csv",
                "ledger-verification.txt",
                "audit-log.csv",
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> PackFacts {
        PackFacts {
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            people_in_scope: 40,
            obligations: 200,
            up_to_date: 180,
            overdue: 15,
            exempt: 5,
            completions: 120,
            failed_attempts: 9,
            new_hires_measured: 8,
            new_hires_on_time: 7,
            ledger_intact: true,
            courses: vec![
                CourseFact {
                    id: "phishing-and-social-engineering".into(),
                    title: "Phishing".into(),
                    kind: "course".into(),
                    audience: "everyone".into(),
                    recurrence: "every 12 months".into(),
                    completions_in_period: 30,
                    controls: vec!["pci-dss-12.6.3.1".into(), "nist-at-2(3)".into()],
                },
                CourseFact {
                    id: "secure-development".into(),
                    title: "Secure development".into(),
                    kind: "course".into(),
                    audience: "roles: secure-development-engineer".into(),
                    recurrence: "every 12 months".into(),
                    completions_in_period: 6,
                    controls: Vec::new(),
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn every_framework_the_issue_names_is_covered() {
        let controls: Vec<&str> = summaries(&facts()).iter().map(|s| s.control).collect();
        for wanted in [
            "A.6.3",
            "CC1.4",
            "CC2.2",
            "12.6.1",
            "12.6.2",
            "12.6.3",
            "164.308(a)(5)",
            "AT-2",
            "AT-3",
            "AT-4",
        ] {
            assert!(
                controls.iter().any(|c| c.contains(wanted)),
                "{wanted} missing from {controls:?}"
            );
        }
    }

    #[test]
    fn summaries_state_the_computed_numbers() {
        let all = summaries(&facts());
        let iso = &all[0].evidence.join(" ");
        assert!(iso.contains("40 people were in scope with 200 training obligations: 180 up to date (90%), 15 overdue, 5 exempt"), "{iso}");
        let pci = all
            .iter()
            .find(|s| s.control.starts_with("12.6.3"))
            .unwrap()
            .evidence
            .join(" ");
        assert!(pci.contains("7 of 8") && pci.contains("(87%)"), "{pci}");
        assert!(
            pci.contains(
                "Phishing (30 completions in the period) covers PCI DSS 12.6.3.1: phishing and related attacks, and social engineering."
            ),
            "{pci}"
        );
        assert!(!pci.contains("Secure development"), "{pci}");
        let at2 = all
            .iter()
            .find(|s| s.control.starts_with("AT-2"))
            .unwrap()
            .evidence
            .join(" ");
        assert!(
            at2.contains("Phishing (30 completions in the period) covers NIST AT-2(3)"),
            "{at2}"
        );
        let at3 = all
            .iter()
            .find(|s| s.control.starts_with("AT-3"))
            .unwrap()
            .evidence
            .join(" ");
        assert!(
            at3.contains("Secure development → roles: secure-development-engineer")
                && !at3.contains("Phishing"),
            "{at3}"
        );
    }

    #[test]
    fn a_broken_ledger_is_stated_plainly() {
        let broken = PackFacts {
            ledger_intact: false,
            ..facts()
        };
        let at4 = summaries(&broken)
            .into_iter()
            .find(|s| s.control.starts_with("AT-4"))
            .unwrap();
        assert!(at4.evidence.join(" ").contains("FAILED"));
    }
}
