//! The `vigil` command line, run as a real process against a throwaway SQLite database.

// Test helpers panic on setup failures: that is how a test reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Cli {
    database: String,
    _dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self {
            database: format!("sqlite://{}/cli.db", dir.path().display()),
            _dir: dir,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
            .arg("--database")
            .arg(&self.database)
            .args(args)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vigil runs");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("write stdin");
        }
        child.wait_with_output().expect("vigil finishes")
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_subcommand_has_help() {
    let cli = Cli::new();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "set-role", "--help"],
        vec!["user", "deactivate", "--help"],
        vec!["user", "list", "--help"],
    ] {
        let output = cli.run(&args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert!(stdout(&output).contains("Usage:"), "{args:?}");
    }
    assert!(stdout(&cli.run(&["serve", "--help"])).contains("--listen"));
}

#[test]
fn people_can_be_added_given_roles_listed_and_deactivated() {
    let cli = Cli::new();
    assert!(cli.run(&["migrate"]).status.success());

    let added = cli.run(&[
        "user",
        "add",
        "--email",
        "Ana.Silva@example.com",
        "--name",
        "Ana Silva",
        "--department",
        "Finance",
        "--job-title",
        "Accountant",
        "--hire-date",
        "2025-03-01",
        "--role",
        "department-head",
    ]);
    assert!(added.status.success(), "{}", stderr(&added));
    let out = stdout(&added);
    assert!(
        out.contains("Added Ana Silva <ana.silva@example.com>"),
        "{out}"
    );
    assert!(
        out.contains("Temporary password: "),
        "a generated password is printed: {out}"
    );

    let report = cli.run_with_stdin(
        &[
            "user",
            "add",
            "--email",
            "bo@example.com",
            "--name",
            "Bo Report",
            "--manager",
            "ana.silva@example.com",
            "--password-stdin",
        ],
        Some("a long chosen passphrase\n"),
    );
    assert!(report.status.success(), "{}", stderr(&report));
    assert!(!stdout(&report).contains("Temporary password"));

    let roles = cli.run(&[
        "user",
        "set-role",
        "bo@example.com",
        "--role",
        "secure-development-engineer",
        "--compliance-admin",
        "true",
    ]);
    assert!(roles.status.success(), "{}", stderr(&roles));
    assert!(
        stdout(&roles).contains("employee, secure-development-engineer")
            || stdout(&roles).contains("secure-development-engineer")
    );

    let list = stdout(&cli.run(&["user", "list"]));
    assert!(
        list.contains("ana.silva@example.com") && list.contains("Finance"),
        "{list}"
    );
    assert!(list.contains("+compliance-admin"), "{list}");

    let gone = cli.run(&["user", "deactivate", "bo@example.com"]);
    assert!(gone.status.success(), "{}", stderr(&gone));
    let list = stdout(&cli.run(&["user", "list"]));
    let bo_line = list
        .lines()
        .find(|line| line.contains("bo@example.com"))
        .expect("bo listed");
    assert!(bo_line.contains("inactive"), "{bo_line}");

    let again = cli.run(&["user", "deactivate", "bo@example.com"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already deactivated"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn bad_input_is_refused_with_a_clear_message_and_changes_nothing() {
    let cli = Cli::new();
    let unknown_role = cli.run(&[
        "user",
        "add",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--role",
        "wizard",
    ]);
    assert!(!unknown_role.status.success());
    assert!(
        stderr(&unknown_role).contains("There is no job role called that"),
        "{}",
        stderr(&unknown_role)
    );

    let bad_email = cli.run(&["user", "add", "--email", "not-an-email", "--name", "X"]);
    assert!(
        stderr(&bad_email).contains("not a valid email address"),
        "{}",
        stderr(&bad_email)
    );

    let weak = cli.run_with_stdin(
        &[
            "user",
            "add",
            "--email",
            "y@example.com",
            "--name",
            "Y",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(
        stderr(&weak).contains("at least 15 characters"),
        "{}",
        stderr(&weak)
    );

    let list = stdout(&cli.run(&["user", "list"]));
    assert!(list.contains("Nobody has been added yet"), "{list}");

    let duplicate_first = cli.run(&["user", "add", "--email", "z@example.com", "--name", "Z"]);
    assert!(duplicate_first.status.success());
    let duplicate = cli.run(&[
        "user",
        "add",
        "--email",
        "Z@example.com",
        "--name",
        "Z again",
    ]);
    assert!(
        stderr(&duplicate).contains("already uses that email"),
        "{}",
        stderr(&duplicate)
    );
}

#[test]
fn the_demo_loads_once_and_prints_sign_in_details() {
    let cli = Cli::new();
    let first = cli.run(&["demo"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(
        out.contains("Loaded the demo organisation")
            && out.contains("dana.okafor@demo.vigil.example"),
        "{out}"
    );
    assert!(out.contains("vigil-demo-2026"));
    let second = stdout(&cli.run(&["demo"]));
    assert!(second.contains("already loaded"), "{second}");
    let list = stdout(&cli.run(&["user", "list"]));
    assert_eq!(list.lines().count(), 41, "a header and 40 people");
}

#[test]
fn production_mode_without_a_secret_refuses_to_start_and_names_the_variable() {
    let cli = Cli::new();
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args([
            "--database",
            &cli.database,
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("VIGIL_MODE", "production")
        .env("VIGIL_PUBLIC_URL", "https://vigil.example.com")
        .env_remove("VIGIL_SECRET")
        .env_remove("VIGIL_SECRET_FILE")
        .output()
        .expect("vigil runs");
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("VIGIL_SECRET is not set"),
        "{}",
        stderr(&output)
    );
}

fn curriculum() -> String {
    format!("{}/../content", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn content_check_passes_the_starter_curriculum() {
    let cli = Cli::new();
    let output = cli.run(&["content", "check", &curriculum()]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("no problems"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn content_check_prints_every_problem_with_file_and_line_and_fails() {
    let cli = Cli::new();
    let tree = tempfile::tempdir().unwrap();
    let course = tree.path().join("broken");
    std::fs::create_dir_all(&course).unwrap();
    std::fs::write(course.join("course.toml"), "id = \"broken\"\ntitle = \"Broken\"\nsummary = \"S\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 80\nrecurrence = \"yearly\"\ndue_within = \"30 days\"\n[audience]\neveryone = true\n[version]\nnotes = \"x\"\n").unwrap();
    std::fs::write(course.join("01-a.md"), "No heading here\n").unwrap();
    std::fs::write(
        course.join("quiz.md"),
        "## What?\n\n- [ ] A\n- [ ] B\n\n> Why.\n",
    )
    .unwrap();
    let output = cli.run(&["content", "check", &tree.path().display().to_string()]);
    assert!(!output.status.success());
    let out = stdout(&output);
    assert!(
        out.contains("broken/course.toml:8: recurrence: \"yearly\" is not a period"),
        "{out}"
    );
    assert!(
        out.contains("broken/01-a.md:1: start with a level-1 heading"),
        "{out}"
    );
    assert!(
        out.contains("broken/quiz.md:1: question \"What?\" has no correct option"),
        "{out}"
    );
    assert!(
        stderr(&output).contains("3 problems in 1 of 1 courses"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn content_import_publishes_once_and_then_reports_unchanged() {
    let cli = Cli::new();
    let first = cli.run(&["content", "import", &curriculum()]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("published phishing-and-social-engineering version 1"),
        "{}",
        stdout(&first)
    );
    let second = cli.run(&["content", "import", &curriculum()]);
    let out = stdout(&second);
    assert!(!out.contains("published"), "{out}");
    assert!(
        out.contains("unchanged security-basics (version 1)"),
        "{out}"
    );
}

#[test]
fn ledger_verify_names_the_first_changed_record() {
    let cli = Cli::new();
    let demo = cli.run(&["demo", "--content", &curriculum()]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let intact = cli.run(&["ledger", "verify"]);
    assert!(intact.status.success(), "{}", stderr(&intact));
    assert!(
        stdout(&intact).contains("The ledger is intact"),
        "{}",
        stdout(&intact)
    );

    // Someone edits a score directly in the database.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use sea_orm::ConnectionTrait;
        let db = app::ssr::db::connect(&cli.database).await.unwrap();
        db.execute_unprepared(
            "UPDATE completion_records SET score = 100, passed = true WHERE sequence = 7",
        )
        .await
        .unwrap();
    });
    let broken = cli.run(&["ledger", "verify"]);
    assert!(!broken.status.success());
    assert!(
        stderr(&broken).contains("record 7: its contents do not match its stored hash"),
        "{}",
        stderr(&broken)
    );
}
