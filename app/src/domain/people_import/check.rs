//! Checking a CSV file of people, line by line, against the people already in Vigil.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Action, COURSE_DEFAULT_LANGUAGE, ImportPlan, LineError, PlannedPerson};
use crate::domain::admin_rights::{self, AdminFlags, Holders, Requested, Target};
use crate::domain::email::EmailAddress;
use crate::domain::job_role::seeded;
use crate::domain::person::{optional_text, parse_date, required_text};
use crate::error::Field;

/// Largest file accepted.
pub const MAX_BYTES: usize = 1024 * 1024;
/// Most people in one import.
pub const MAX_ROWS: usize = 5000;

const COLUMNS: [&str; 11] = [
    "email",
    "name",
    "department",
    "job_title",
    "hire_date",
    "manager_email",
    "roles",
    "compliance_admin",
    "platform_admin",
    "invite",
    "language",
];

const REQUIRED: [&str; 3] = ["email", "name", "hire_date"];
/// Someone already in Vigil, for matching, manager checks and administrator rights.
pub struct Existing {
    pub id: i64,
    pub email: String,
    pub manager_email: Option<String>,
    pub rights: AdminFlags,
    pub active: bool,
    /// The language they take courses in, if set (it may be one no course offers any more).
    pub language: Option<String>,
}

/// Who imports, and how many active people hold each administrator right now.
#[derive(Clone, Copy, Debug)]
pub struct Importer {
    pub actor: admin_rights::Actor,
    pub holders: Holders,
}

fn error(line: usize, message: impl Into<String>) -> LineError {
    LineError {
        line,
        message: message.into(),
    }
}

/// Checks `text` against the people already in Vigil, the rights of who imports it and the
/// languages some course is available in.
pub fn plan(
    text: &str,
    existing: &[Existing],
    importer: &Importer,
    languages: &BTreeSet<String>,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    if text.len() > MAX_BYTES {
        plan.errors.push(error(
            1,
            format!("the file is larger than {} KiB; split it", MAX_BYTES / 1024),
        ));
        return plan;
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.to_ascii_lowercase()).collect(),
        Err(err) => {
            plan.errors
                .push(error(1, format!("the header row could not be read: {err}")));
            return plan;
        }
    };
    let unknown: Vec<&String> = headers
        .iter()
        .filter(|h| !COLUMNS.contains(&h.as_str()))
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|r| !headers.iter().any(|h| h == r))
        .collect();
    if !unknown.is_empty() || !missing.is_empty() {
        let mut message = String::new();
        if !missing.is_empty() {
            message.push_str(&format!("missing column(s) {}", missing.join(", ")));
        }
        if !unknown.is_empty() {
            let names: Vec<&str> = unknown.iter().map(|h| h.as_str()).collect();
            message.push_str(&format!(
                "{}unknown column(s) {}",
                if message.is_empty() { "" } else { "; " },
                names.join(", ")
            ));
        }
        plan.errors.push(error(
            1,
            format!("{message}. The columns are: {}.", COLUMNS.join(", ")),
        ));
        return plan;
    }

    let existing_emails: HashMap<String, Option<String>> = existing
        .iter()
        .map(|e| (e.email.to_lowercase(), e.manager_email.clone()))
        .collect();
    let languages_now: HashMap<String, &str> = existing
        .iter()
        .filter_map(|e| Some((e.email.to_lowercase(), e.language.as_deref()?)))
        .collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        if index >= MAX_ROWS {
            plan.errors.push(error(
                line,
                format!("more than {MAX_ROWS} people; split the file"),
            ));
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                plan.errors
                    .push(error(line, format!("the line could not be read: {err}")));
                continue;
            }
        };
        if record.len() != headers.len() {
            plan.errors.push(error(
                line,
                format!("expected {} values, found {}", headers.len(), record.len()),
            ));
            continue;
        }
        let values: HashMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        match check_line(line, &values, &existing_emails).and_then(|person| {
            check_language(
                person,
                get_value(&values, "language"),
                languages,
                &languages_now,
            )
        }) {
            Ok(person) => {
                if let Some(first) = seen.insert(person.email.clone(), line) {
                    plan.errors.push(error(
                        line,
                        format!("{} is also on line {first}", person.email),
                    ));
                }
                plan.people.push(person);
            }
            Err(message) => plan.errors.push(error(line, message)),
        }
    }
    check_managers(&mut plan, &existing_emails);
    check_rights(&mut plan, existing, importer);
    if plan.people.is_empty() && plan.errors.is_empty() {
        plan.errors
            .push(error(2, "the file has a header but no people"));
    }
    plan
}

fn get_value<'a>(values: &HashMap<&str, &'a str>, name: &str) -> &'a str {
    values.get(name).copied().unwrap_or_default()
}

/// The `language` cell: empty keeps what the person has, `default` clears it, anything else must
/// be a language some course is available in (or the one the person already has, which a
/// directory may have set as a list).
fn check_language(
    mut person: PlannedPerson,
    cell: &str,
    languages: &BTreeSet<String>,
    languages_now: &HashMap<String, &str>,
) -> Result<PlannedPerson, String> {
    person.language = if cell.is_empty() {
        None
    } else if cell.eq_ignore_ascii_case(COURSE_DEFAULT_LANGUAGE) {
        Some(String::new())
    } else if languages.contains(cell) || languages_now.get(&person.email) == Some(&cell) {
        Some(cell.to_owned())
    } else {
        let offered: Vec<&str> = languages.iter().map(String::as_str).collect();
        return Err(format!(
            "no course is available in language {cell:?}; use one of {} or {COURSE_DEFAULT_LANGUAGE} for each course's own",
            offered.join(", ")
        ));
    };
    Ok(person)
}

fn check_line(
    line: usize,
    values: &HashMap<&str, &str>,
    existing: &HashMap<String, Option<String>>,
) -> Result<PlannedPerson, String> {
    let get = |name: &str| get_value(values, name);
    let mut problems = Vec::new();

    let email = EmailAddress::parse(get("email"))
        .map_err(|e| problems.push(e.to_string()))
        .ok();
    let name = required_text(get("name"), Field::Name)
        .map_err(|e| problems.push(e.to_string()))
        .ok();
    let department = optional_text(get("department"), Field::Department)
        .map_err(|e| problems.push(e.to_string()))
        .ok()
        .flatten();
    let job_title = optional_text(get("job_title"), Field::JobTitle)
        .map_err(|e| problems.push(e.to_string()))
        .ok()
        .flatten()
        .unwrap_or_default();
    let hire_date = parse_date(get("hire_date"), Field::HireDate)
        .map_err(|e| problems.push(e.to_string()))
        .ok();
    let manager_email = match get("manager_email") {
        "" => None,
        raw => EmailAddress::parse(raw)
            .map(|e| e.as_str().to_owned())
            .map_err(|e| problems.push(format!("manager: {e}")))
            .ok(),
    };
    let roles: BTreeSet<String> = get("roles")
        .split(';')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    for role in roles.iter().filter(|r| seeded(r).is_none()) {
        problems.push(format!("there is no job role {role:?}"));
    }
    // Empty, or no column at all: not mentioned, so kept as it is.
    let flag = |column: &str, problems: &mut Vec<String>| match get(column)
        .to_ascii_lowercase()
        .as_str()
    {
        "" => None,
        "no" | "false" | "0" => Some(false),
        "yes" | "true" | "1" => Some(true),
        other => {
            problems.push(format!("{column} must be yes or no, not {other:?}"));
            None
        }
    };
    let compliance_admin = flag("compliance_admin", &mut problems);
    let platform_admin = flag("platform_admin", &mut problems);
    let invite = flag("invite", &mut problems).unwrap_or(false);
    if let (Some(email), Some(manager)) = (&email, &manager_email)
        && email.as_str() == manager
    {
        problems.push("a person cannot be their own manager".to_owned());
    }
    match (email, name, hire_date, problems.is_empty()) {
        (Some(email), Some(name), Some(hire_date), true) => Ok(PlannedPerson {
            line,
            action: if existing.contains_key(email.as_str()) {
                Action::Update
            } else {
                Action::Add
            },
            email: email.as_str().to_owned(),
            name,
            department,
            job_title,
            hire_date,
            manager_email,
            roles: (!roles.is_empty()).then(|| roles.into_iter().collect()),
            compliance_admin,
            platform_admin,
            invite,
            language: None,
        }),
        _ => Err(problems.join("; ")),
    }
}

/// Administrator rights change only as `admin_rights` allows, line by line, counting the holders
/// the earlier lines leave (so a file cannot remove the last administrator two lines at a time).
fn check_rights(plan: &mut ImportPlan, existing: &[Existing], importer: &Importer) {
    let by_email: HashMap<String, &Existing> = existing
        .iter()
        .map(|e| (e.email.to_lowercase(), e))
        .collect();
    let mut holders = importer.holders;
    for person in &plan.people {
        let target = match by_email.get(&person.email) {
            Some(found) => Target {
                id: Some(found.id),
                rights: found.rights,
                active: found.active,
            },
            None => Target {
                id: None,
                rights: AdminFlags::default(),
                active: true,
            },
        };
        let requested = Requested {
            compliance: person.compliance_admin,
            platform: person.platform_admin,
        };
        match admin_rights::change(&importer.actor, &target, requested, holders) {
            Ok(after) if target.active => {
                let count = |before: bool, after: bool, n: usize| match (before, after) {
                    (false, true) => n + 1,
                    (true, false) => n.saturating_sub(1),
                    _ => n,
                };
                holders.compliance = count(
                    target.rights.compliance,
                    after.compliance,
                    holders.compliance,
                );
                holders.platform = count(target.rights.platform, after.platform, holders.platform);
            }
            Ok(_) => {}
            Err(refused) => plan.errors.push(error(person.line, refused.to_string())),
        }
    }
}

/// Managers must exist (in the file or in Vigil), and the file must not make a loop.
fn check_managers(plan: &mut ImportPlan, existing: &HashMap<String, Option<String>>) {
    let mut manager_of: HashMap<String, Option<String>> = existing.clone();
    for person in &plan.people {
        manager_of.insert(person.email.clone(), person.manager_email.clone());
    }
    for person in &plan.people {
        let Some(manager) = &person.manager_email else {
            continue;
        };
        if !manager_of.contains_key(manager) {
            plan.errors.push(error(
                person.line,
                format!("manager {manager} is neither in Vigil nor in this file"),
            ));
            continue;
        }
        let mut current = Some(manager.clone());
        let mut steps = 0;
        while let Some(boss) = current {
            if boss == person.email {
                plan.errors.push(error(
                    person.line,
                    "managers form a loop: this person would end up managing themselves",
                ));
                break;
            }
            steps += 1;
            if steps > manager_of.len() {
                break;
            }
            current = manager_of.get(&boss).cloned().flatten();
        }
    }
    plan.errors.sort_by_key(|e| e.line);
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "email,name,department,job_title,hire_date,manager_email,roles,compliance_admin,platform_admin\n";

    fn existing() -> Vec<Existing> {
        vec![Existing {
            id: 1,
            email: "boss@example.com".into(),
            manager_email: None,
            rights: AdminFlags::default(),
            active: true,
            language: Some("fr-CH, de;q=0.9".into()),
        }]
    }

    fn languages() -> BTreeSet<String> {
        ["de".to_owned(), "en".to_owned()].into()
    }

    const OPERATOR: Importer = Importer {
        actor: admin_rights::Actor::Operator,
        holders: Holders {
            compliance: 2,
            platform: 2,
        },
    };

    fn plan(text: &str, existing: &[Existing]) -> ImportPlan {
        super::plan(text, existing, &OPERATOR, &languages())
    }

    #[test]
    fn a_clean_file_plans_adds_and_updates() {
        let text = format!(
            "{HEADER}new@example.com,New Person,Finance,Analyst,2026-11-01,boss@example.com,department-head;employee,no,\nBOSS@example.com,The Boss,,,2020-01-01,,,yes,no\n"
        );
        let plan = plan(&text, &existing());
        assert!(plan.is_clean(), "{:?}", plan.errors);
        assert_eq!(plan.people[0].action, Action::Add);
        assert_eq!(
            plan.people[0].roles.as_deref(),
            Some(&["department-head".to_owned(), "employee".to_owned()][..])
        );
        assert_eq!(
            plan.people[0].manager_email.as_deref(),
            Some("boss@example.com")
        );
        assert_eq!(plan.people[1].action, Action::Update);
        assert_eq!(plan.people[1].compliance_admin, Some(true));
        assert_eq!(
            plan.people[1].roles, None,
            "an empty roles cell keeps the roles"
        );
    }

    #[test]
    fn columns_may_come_in_any_order_with_only_the_required_ones() {
        let plan = plan(
            "hire_date,name,email\n2026-01-01,Ann,ann@example.com\n",
            &[],
        );
        assert!(plan.is_clean(), "{:?}", plan.errors);
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let text = format!(
            "{HEADER}ok@example.com,OK,,,2026-01-01,,,,\nnot-an-email,Bad,,,2026-01-01,,,,\nx@example.com,,,,29/02/2026,,wizard,maybe,\nok@example.com,Twice,,,2026-01-01,,,,\ny@example.com,Y,,,2026-01-01,ghost@example.com,,,\nshort@example.com,Short\n"
        );
        let plan = plan(&text, &existing());
        let lines: Vec<String> = plan.errors.iter().map(ToString::to_string).collect();
        assert!(!plan.is_clean());
        assert!(
            lines[0].starts_with("line 3: That is not a valid email address"),
            "{lines:#?}"
        );
        assert!(lines[1].starts_with("line 4: Name is required.; Hire date must be a date written as YYYY-MM-DD.; there is no job role \"wizard\"; compliance_admin must be yes or no"), "{lines:#?}");
        assert_eq!(lines[2], "line 5: ok@example.com is also on line 2");
        assert_eq!(
            lines[3],
            "line 6: manager ghost@example.com is neither in Vigil nor in this file"
        );
        assert_eq!(lines[4], "line 7: expected 9 values, found 2");
    }

    #[test]
    fn manager_loops_within_the_file_are_refused() {
        let text = format!(
            "{HEADER}a@example.com,A,,,2026-01-01,b@example.com,,,\nb@example.com,B,,,2026-01-01,a@example.com,,,\n"
        );
        let plan = plan(&text, &[]);
        assert_eq!(plan.errors.len(), 2, "{:?}", plan.errors);
        assert!(plan.errors[0].message.contains("loop"));
    }

    #[test]
    fn headers_are_checked_first() {
        let plan = plan("mail,name\nx@example.com,X\n", &[]);
        assert_eq!(plan.errors.len(), 1);
        assert!(
            plan.errors[0]
                .message
                .starts_with("missing column(s) email, hire_date; unknown column(s) mail"),
            "{:?}",
            plan.errors
        );
        assert!(
            !self::plan(HEADER, &[]).is_clean(),
            "a header alone imports nobody"
        );
    }

    #[test]
    fn a_spreadsheet_byte_order_mark_is_ignored() {
        assert!(
            plan(
                "\u{feff}email,name,hire_date\nann@example.com,Ann,2026-01-01\n",
                &[]
            )
            .is_clean()
        );
    }

    #[test]
    fn rights_the_importer_does_not_hold_are_refused_line_by_line() {
        let compliance = Importer {
            actor: admin_rights::Actor::Person {
                id: 9,
                rights: AdminFlags {
                    compliance: true,
                    platform: false,
                },
            },
            holders: Holders {
                compliance: 2,
                platform: 1,
            },
        };
        let text = format!(
            "{HEADER}new@example.com,New,,,2026-01-01,,,yes,\nboss@example.com,Boss,,,2020-01-01,,,,yes\n"
        );
        let plan = super::plan(&text, &existing(), &compliance, &languages());
        let lines: Vec<String> = plan.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            ["line 3: Only a platform administrator can grant or remove platform administration."]
        );
    }

    #[test]
    fn a_file_cannot_remove_the_last_administrators_two_lines_at_a_time() {
        let admins: Vec<Existing> = ["a@example.com", "b@example.com"]
            .iter()
            .enumerate()
            .map(|(i, email)| Existing {
                id: i as i64 + 1,
                email: (*email).to_owned(),
                manager_email: None,
                rights: AdminFlags {
                    compliance: true,
                    platform: false,
                },
                active: true,
                language: None,
            })
            .collect();
        let text = format!(
            "{HEADER}a@example.com,A,,,2020-01-01,,,no,\nb@example.com,B,,,2020-01-01,,,no,\n"
        );
        let plan = super::plan(&text, &admins, &OPERATOR, &languages());
        let lines: Vec<String> = plan.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "line 3: This is the last active compliance administrator. Make someone else a compliance administrator first."
            ]
        );
    }

    #[test]
    fn the_language_column_sets_keeps_or_clears_the_course_language() {
        let text = "email,name,hire_date,language\n\
            a@example.com,A,2026-01-01,de\n\
            b@example.com,B,2026-01-01,\n\
            c@example.com,C,2026-01-01,Default\n\
            boss@example.com,Boss,2020-01-01,\"fr-CH, de;q=0.9\"\n";
        let plan = plan(text, &existing());
        assert!(plan.is_clean(), "{:?}", plan.errors);
        let languages: Vec<Option<&str>> =
            plan.people.iter().map(|p| p.language.as_deref()).collect();
        assert_eq!(
            languages,
            [Some("de"), None, Some(""), Some("fr-CH, de;q=0.9")],
            "a language on offer is set, an empty cell keeps, default clears, and the list a \
             directory set for someone already in Vigil may be kept"
        );
    }

    #[test]
    fn a_language_no_course_is_available_in_is_refused_with_the_choices() {
        let text = "email,name,hire_date,language\n\
            a@example.com,A,2026-01-01,fr\n\
            b@example.com,B,2026-01-01,\"fr-CH, de;q=0.9\"\n";
        let lines: Vec<String> = plan(text, &existing())
            .errors
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "line 2: no course is available in language \"fr\"; use one of de, en or default for each course's own",
                "line 3: no course is available in language \"fr-CH, de;q=0.9\"; use one of de, en or default for each course's own",
            ],
            "another person's language list is not on offer to a new person"
        );
    }
}
