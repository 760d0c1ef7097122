//! Streamed exports keep memory flat: the compliance-status export is run for a small and an
//! eight times larger organisation, and the extra memory it takes at its peak is compared with
//! the size of what it writes. Run with `make bench`.
//!
//! Memory is measured with a counting allocator (`peak_alloc`: bytes live at the peak of the export, above
//! what was live when it started), so the numbers do not depend on the machine.

// A benchmark that cannot set up its data has nothing to report: stop at once, with what failed.
#![allow(clippy::expect_used)]

use std::time::Instant;

use app::api::dashboard::DashboardQuery;
use app::ssr::db::audit::Actor;
use app::ssr::people_admin::{self, NewPerson};
use app::ssr::reporting::exports::{Cursor, Dataset, Exporter, csv_bytes};
use app::ssr::training::engine::{EngineLock, recompute};
use chrono::{NaiveDate, Utc};
use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

struct Run {
    people: usize,
    rows: usize,
    output_bytes: usize,
    peak_extra_bytes: usize,
    seconds: f64,
}

async fn run(people: usize) -> Run {
    let db = app::ssr::db::test_support::sqlite_memory()
        .await
        .expect("database");
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    app::ssr::content::tree::import_tree(&db, &content, &Actor::system("bench"), Utc::now())
        .await
        .expect("content");
    let hired = NaiveDate::from_ymd_opt(2025, 1, 6).expect("date");
    for i in 0..people {
        people_admin::add_person(
            &db,
            NewPerson {
                email: format!("person{i}@bench.example"),
                name: format!("Person {i}"),
                department: Some(format!("Department {}", i % 12)),
                job_title: "Staff".to_owned(),
                hire_date: hired,
                manager_email: (i >= 10).then(|| format!("person{}@bench.example", i % 10)),
                roles: vec!["employee".to_owned()],
                ..Default::default()
            },
            Utc::now(),
        )
        .await
        .expect("person");
    }
    recompute(
        &db,
        &EngineLock::default(),
        Utc::now().date_naive(),
        Utc::now(),
    )
    .await
    .expect("engine");

    let columns = Dataset::Status.columns();
    let baseline = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let started = Instant::now();
    // What the HTTP handler does, minus the socket: page by page, each page written and dropped.
    let mut exporter =
        Exporter::prepare(&db, Dataset::Status, &DashboardQuery::default(), None, None)
            .await
            .expect("prepare");
    let mut cursor = Cursor::Start;
    let (mut rows, mut output_bytes) = (0, csv_bytes(columns, &[], true).len());
    while cursor != Cursor::Done {
        let (page, next) = exporter.next_page(&db, cursor).await.expect("page");
        rows += page.len();
        output_bytes += csv_bytes(columns, &page, false).len();
        cursor = next;
    }
    let seconds = started.elapsed().as_secs_f64();
    let peak_extra_bytes = ALLOCATOR.peak_usage().saturating_sub(baseline);
    Run {
        people,
        rows,
        output_bytes,
        peak_extra_bytes,
        seconds,
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let small = runtime.block_on(run(500));
    let large = runtime.block_on(run(4000));
    println!("compliance-status export, streamed page by page");
    for r in [&small, &large] {
        println!(
            "  {:>5} people: {:>6} rows, {:>9} bytes written, peak extra memory {:>9} bytes ({:.2} of the output), {:.2} s",
            r.people,
            r.rows,
            r.output_bytes,
            r.peak_extra_bytes,
            r.peak_extra_bytes as f64 / r.output_bytes as f64,
            r.seconds
        );
    }
    let ratio = |a: f64, b: f64| a / b;
    println!(
        "  ratios large/small: people {:.1}x, rows {:.1}x, output {:.1}x, peak memory {:.1}x, time {:.1}x",
        ratio(large.people as f64, small.people as f64),
        ratio(large.rows as f64, small.rows as f64),
        ratio(large.output_bytes as f64, small.output_bytes as f64),
        ratio(large.peak_extra_bytes as f64, small.peak_extra_bytes as f64),
        ratio(large.seconds, small.seconds)
    );
}
