//! Crash safety: Vigil on SQLite under a steady load of quiz submissions and acknowledgements,
//! killed with `kill -9` at random moments and restarted. After every cycle, every completion
//! the server acknowledged (an HTTP success) is in the ledger, `vigil ledger verify` passes and
//! `PRAGMA integrity_check` is `ok`.
//!
//! `RELIABILITY_CYCLES` sets the number of cycles (50 by default, as in `make test`;
//! `make reliability` runs 1,000). `RELIABILITY_SEED` repeats a run's kill timings.

// Test helpers panic on setup failures: that is how a test reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[path = "support/vigil_process.rs"]
mod vigil_process;

use app::domain::ledger::RecordKind;
use app::ssr::people_admin::{self, NewPerson};
use chrono::{NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::header;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tokio::sync::Mutex;
use vigil_process::vigil_command;

const PEOPLE: usize = 12;
const POLICIES: usize = 4;
const PASSWORD: &str = "a long enough reliability passphrase";
const SECRET: &str = "reliability-secret-reliability-secret-01";

const DRILL: &str = "id = \"drill\"\ntitle = \"Drill\"\nsummary = \"A quiz to take again and again.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 100\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First.\"\nmaterial = false\n\n[quiz]\nmax_attempts = 20\ncooldown_hours = 0\n";
const QUIZ: &str = "## Is this a drill?\n\n- [x] Yes\n- [ ] No\n\n> It is.\n";

fn policy(i: usize) -> String {
    format!(
        "id = \"policy-{i}\"\ntitle = \"Policy {i}\"\nsummary = \"Policy {i}.\"\nkind = \"policy\"\nlanguage = \"en\"\nestimated_minutes = 1\nrecurrence = \"12 months\"\ndue_within = \"14 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First.\"\nmaterial = false\n\n[acknowledgement]\nstatement = \"I will follow policy {i}.\"\nminimum_reading_seconds = 0\n"
    )
}

/// What the server acknowledged: quiz results by sequence, acknowledgements by person and policy.
#[derive(Default)]
struct Acknowledged {
    results: BTreeSet<(String, i64)>,
    acknowledgements: BTreeSet<(String, String)>,
    /// Requests the kill cut off (no answer): neither acknowledged nor expected.
    cut_off: usize,
}

struct Harness {
    dir: tempfile::TempDir,
    database: String,
    port: u16,
}

impl Harness {
    fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn command(&self) -> Command {
        let mut command = vigil_command(self.dir.path(), &self.database, SECRET);
        command
            .env("VIGIL_CONTENT_DIR", self.dir.path().join("content"))
            .env("VIGIL_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("VIGIL_PUBLIC_URL", self.address());
        command
    }

    fn serve(&self) -> Child {
        self.command()
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("vigil serve starts")
    }

    /// Waits until the server answers.
    async fn wait_ready(&self, client: &reqwest::Client, server: &mut Child) {
        let started = Instant::now();
        loop {
            let answer = client
                .post(format!("{}/api/session/current", self.address()))
                .header("sec-fetch-site", "same-origin")
                .header(header::ACCEPT, "application/json")
                .send()
                .await;
            if answer.is_ok_and(|a| a.status().is_success()) {
                return;
            }
            assert!(
                server.try_wait().unwrap().is_none(),
                "vigil exited while starting"
            );
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "vigil did not start"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn open(&self) -> DatabaseConnection {
        app::ssr::db::connect(&self.database).await.unwrap()
    }
}

/// A port nobody listens on now (the same one is used for every restart, so that sessions and
/// their issuer stay valid).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn set_up() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("drill")).unwrap();
    std::fs::write(content.join("drill/course.toml"), DRILL).unwrap();
    std::fs::write(content.join("drill/01-one.md"), "# One\n\nRead me.\n").unwrap();
    std::fs::write(content.join("drill/quiz.md"), QUIZ).unwrap();
    for i in 0..POLICIES {
        let folder = content.join(format!("policy-{i}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("course.toml"), policy(i)).unwrap();
        std::fs::write(
            folder.join("policy.md"),
            format!("# Policy {i}\n\nFollow it.\n"),
        )
        .unwrap();
    }
    let harness = Harness {
        database: format!("sqlite://{}/vigil.db", dir.path().display()),
        port: free_port(),
        dir,
    };
    let db = harness.open().await;
    app::ssr::db::migrate(&db).await.unwrap();
    app::ssr::db::job_roles::seed(&db).await.unwrap();
    for i in 0..PEOPLE {
        people_admin::add_person(
            &db,
            NewPerson {
                email: format!("person{i}@example.com"),
                name: format!("Person {i}"),
                hire_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
                password: Some(PASSWORD.to_owned()),
                ..Default::default()
            },
            Utc::now(),
        )
        .await
        .unwrap();
    }
    db.close().await.unwrap();
    harness
}

/// One person's loop: read and acknowledge a policy, or start and submit the quiz, until
/// told to stop. Every success is written down before the next request.
async fn learner(
    client: reqwest::Client,
    address: String,
    email: String,
    cookie: String,
    seed: u64,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Acknowledged>>,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    let post = |path: &str, form: Vec<(&str, String)>| {
        client
            .post(format!("{address}{path}"))
            .header("sec-fetch-site", "same-origin")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, &cookie)
            .form(&form)
            .send()
    };
    let location = |response: &reqwest::Response| {
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.split('?').next())
            .and_then(|l| l.rsplit('/').next())
            .map(str::to_owned)
    };
    while !stop.load(Ordering::Relaxed) {
        if rng.gen_bool(0.3) {
            let slug = format!("policy-{}", rng.gen_range(0..POLICIES));
            if post("/api/training/read", vec![("slug", slug.clone())])
                .await
                .is_err()
            {
                acknowledged.lock().await.cut_off += 1;
                break;
            }
            let Ok(response) = post(
                "/api/training/acknowledge",
                vec![("slug", slug.clone()), ("accept", "yes".to_owned())],
            )
            .await
            else {
                acknowledged.lock().await.cut_off += 1;
                break;
            };
            if response.status().is_success() || response.status().is_redirection() {
                acknowledged
                    .lock()
                    .await
                    .acknowledgements
                    .insert((email.clone(), slug));
            }
        } else {
            let Ok(started) =
                post("/api/training/quiz/start", vec![("slug", "drill".into())]).await
            else {
                acknowledged.lock().await.cut_off += 1;
                break;
            };
            let Some(attempt) = location(&started) else {
                continue;
            };
            let mut form = vec![("attempt_id", attempt)];
            if rng.gen_bool(0.5) {
                form.push(("single[1]", "0".to_owned()));
            }
            let Ok(submitted) = post("/api/training/quiz/submit", form).await else {
                acknowledged.lock().await.cut_off += 1;
                break;
            };
            if submitted.status().as_u16() < 400
                && let Some(sequence) = location(&submitted).and_then(|s| s.parse().ok())
            {
                acknowledged
                    .lock()
                    .await
                    .results
                    .insert((email.clone(), sequence));
            }
        }
    }
}

/// After a crash: the database is sound, the chain verifies, and nothing acknowledged is
/// missing. Returns how many acknowledged completions were checked.
async fn check(harness: &Harness, acknowledged: &Acknowledged) -> usize {
    let db = harness.open().await;
    let integrity = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<String>(0)
        .unwrap();
    assert_eq!(integrity, "ok", "PRAGMA integrity_check");

    let rows = app::ssr::db::ledger::all(&db).await.unwrap();
    let mut emails = std::collections::HashMap::new();
    for person in app::ssr::db::people::all(&db).await.unwrap() {
        emails.insert(person.id, person.email);
    }
    let courses: std::collections::HashMap<i64, String> = app::ssr::db::courses::all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.slug))
        .collect();
    let stored_results: BTreeSet<(String, i64)> = rows
        .iter()
        .filter(|r| r.kind == RecordKind::Attempt.as_str())
        .map(|r| (emails[&r.person_id].clone(), r.sequence))
        .collect();
    let stored_acknowledgements: BTreeSet<(String, String)> = rows
        .iter()
        .filter(|r| r.kind == RecordKind::Acknowledgement.as_str())
        .map(|r| (emails[&r.person_id].clone(), courses[&r.course_id].clone()))
        .collect();
    let missing = lost(acknowledged, &stored_results, &stored_acknowledgements);
    assert!(missing.is_empty(), "lost after kill -9: {missing:?}");
    // The comparison itself can see a loss: a result the ledger does not hold is reported.
    let mut made_up = Acknowledged::default();
    made_up
        .results
        .insert(("person0@example.com".to_owned(), i64::MAX));
    assert_eq!(
        lost(&made_up, &stored_results, &stored_acknowledgements).len(),
        1
    );
    db.close().await.unwrap();

    let verify = harness
        .command()
        .args(["ledger", "verify"])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "vigil ledger verify: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    acknowledged.results.len() + acknowledged.acknowledgements.len()
}

/// What was acknowledged and is not in the ledger.
fn lost(
    acknowledged: &Acknowledged,
    stored_results: &BTreeSet<(String, i64)>,
    stored_acknowledgements: &BTreeSet<(String, String)>,
) -> Vec<String> {
    let results = acknowledged
        .results
        .difference(stored_results)
        .map(|(email, sequence)| format!("result {sequence} of {email}"));
    let acknowledgements = acknowledged
        .acknowledgements
        .difference(stored_acknowledgements)
        .map(|(email, policy)| format!("acknowledgement of {policy} by {email}"));
    results.chain(acknowledgements).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_no_acknowledged_completion() {
    let cycles: usize = std::env::var("RELIABILITY_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(50);
    let seed: u64 = std::env::var("RELIABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("reliability: {cycles} cycles, seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let harness = set_up().await;
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let mut cookies = Vec::new();
    let started = Instant::now();
    let mut checked = 0;
    for cycle in 0..cycles {
        // A new client each time: pooled connections to the killed process are dead.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut server = harness.serve();
        harness.wait_ready(&client, &mut server).await;
        if cookies.is_empty() {
            // Everyone signs in once; the sessions outlive every restart.
            for i in 0..PEOPLE {
                let email = format!("person{i}@example.com");
                let response = client
                    .post(format!("{}/api/session/login", harness.address()))
                    .header("sec-fetch-site", "same-origin")
                    .header(header::ACCEPT, "application/json")
                    .form(&[
                        ("email", email.as_str()),
                        ("password", PASSWORD),
                        ("next", ""),
                    ])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200, "{email} signs in");
                let cookie = response.headers()[header::SET_COOKIE]
                    .to_str()
                    .unwrap()
                    .split(';')
                    .next()
                    .unwrap()
                    .to_owned();
                cookies.push((email, cookie));
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let learners: Vec<_> = cookies
            .iter()
            .map(|(email, cookie)| {
                tokio::spawn(learner(
                    client.clone(),
                    harness.address(),
                    email.clone(),
                    cookie.clone(),
                    rng.r#gen(),
                    stop.clone(),
                    acknowledged.clone(),
                ))
            })
            .collect();
        // Killed at a random moment in the load.
        tokio::time::sleep(Duration::from_millis(rng.gen_range(100..1500))).await;
        server.kill().expect("kill -9");
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for learner in learners {
            learner.await.unwrap();
        }
        checked = check(&harness, &*acknowledged.lock().await).await;
        if (cycle + 1) % 10 == 0 {
            eprintln!(
                "reliability: {} cycles, {checked} acknowledged completions, 0 lost ({:?})",
                cycle + 1,
                started.elapsed()
            );
        }
    }
    let acknowledged = acknowledged.lock().await;
    eprintln!(
        "reliability: {cycles} kill -9 cycles in {:?}; {} acknowledged completions ({} quiz results, {} acknowledgements); {} requests cut off by the kill; lost: 0",
        started.elapsed(),
        checked,
        acknowledged.results.len(),
        acknowledged.acknowledgements.len(),
        acknowledged.cut_off
    );
    assert!(
        acknowledged.results.len() >= cycles,
        "the load was too light to test anything: {} results in {cycles} cycles",
        acknowledged.results.len()
    );
}
