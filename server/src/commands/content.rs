//! `vigil content check` and `vigil content import`.

use std::path::Path;

use app::ssr::content::tree::{ImportResult, check_tree, import_tree};
use app::ssr::db::audit::Actor;
use sea_orm::DatabaseConnection;

use super::CommandError;

pub fn check(dir: &Path) -> Result<(), CommandError> {
    let reports = check_tree(dir)
        .map_err(|err| CommandError::Usage(format!("cannot read {}: {err}", dir.display())))?;
    let mut problem_count = 0;
    let mut bad_courses = 0;
    let mut warning_count = 0;
    for report in &reports {
        for line in report.warning_lines() {
            warning_count += 1;
            println!("warning: {line}");
        }
        let lines = report.problem_lines();
        if !lines.is_empty() {
            bad_courses += 1;
            problem_count += lines.len();
            for line in lines {
                println!("{line}");
            }
        }
    }
    if reports.is_empty() {
        return Err(CommandError::Failed(format!(
            "{} holds no course folders",
            dir.display()
        )));
    }
    if problem_count == 0 {
        let warnings = match warning_count {
            0 => "no warnings".to_owned(),
            1 => "1 warning about quiz questions that give their answer away".to_owned(),
            n => format!("{n} warnings about quiz questions that give their answer away"),
        };
        println!(
            "Checked {} courses in {}: no problems; {warnings}.",
            reports.len(),
            dir.display()
        );
        Ok(())
    } else {
        Err(CommandError::Failed(format!(
            "{problem_count} problem{} in {bad_courses} of {} courses",
            if problem_count == 1 { "" } else { "s" },
            reports.len()
        )))
    }
}

pub async fn import(db: &DatabaseConnection, dir: &Path) -> Result<(), CommandError> {
    let results = import_tree(
        db,
        dir,
        &Actor::system("vigil content import"),
        chrono::Utc::now(),
    )
    .await?;
    let mut invalid = 0;
    for (folder, result) in &results {
        match result {
            ImportResult::Published { id, version } => println!("published {id} version {version}"),
            ImportResult::Unchanged { id, version } => {
                println!("unchanged {id} (version {version})")
            }
            ImportResult::Retired { id } => {
                println!("skipped {id}: it is retired in Vigil; restore it there to publish again")
            }
            ImportResult::Conflict { id, version } => {
                invalid += 1;
                println!("conflict: {}", ImportResult::conflict_message(id, *version));
            }
            ImportResult::Invalid { problems } => {
                invalid += 1;
                println!("not published {folder}:");
                for line in problems {
                    println!("  {line}");
                }
            }
        }
    }
    if invalid == 0 {
        Ok(())
    } else {
        Err(CommandError::Failed(format!(
            "{invalid} course folder(s) have problems or conflicts and were not published"
        )))
    }
}
