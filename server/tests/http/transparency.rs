//! The ledger as a transparency log: signed checkpoints served without sign-in, inclusion and
//! consistency proofs that verify against them (RFC 9162), and an insider's changes to the
//! records (a deleted newest record, a rewritten chain, a rewritten tree) found against a
//! checkpoint kept earlier. SQLite, and PostgreSQL with two instances when `TEST_POSTGRES_URL`
//! is set.

use std::time::Duration;

use app::api::ledger::{ConsistencyProof, InclusionProof};
use app::domain::checkpoint::Checkpoint;
use app::domain::ledger::{canonical_bytes, record_hash};
use app::domain::merkle::{Hash, leaf_hash, verify_consistency, verify_inclusion};
use app::ssr::db::ledger;
use app::ssr::transparency::{self, Against};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};

use app::domain::pack_proof;

use crate::helpers::{
    COMPLIANCE, EMPLOYEE, PASSWORD, TestApp, spawn_app_on_postgres_with, spawn_app_with,
};
use crate::training::with_courses;

fn fast_checkpoints() -> Vec<(&'static str, String)> {
    vec![("VIGIL_CHECKPOINT_SECONDS", "1".to_owned())]
}

/// Appends `n` manual completions for the employee.
async fn append(app: &TestApp, n: usize) {
    let course = app::ssr::db::courses::find_by_slug(&app.db, "tiny")
        .await
        .unwrap()
        .unwrap();
    let person = app::ssr::db::people::find_by_email(&app.db, EMPLOYEE)
        .await
        .unwrap()
        .unwrap();
    let content_hash = app.current_content_hash("tiny").await;
    for i in 0..n {
        let now = Utc::now();
        let record = app::ssr::db::test_support::manual_completion(
            person.id,
            &course,
            content_hash.clone(),
            &format!("classroom session {i}"),
            now,
        );
        ledger::append(&app.db, record, now).await.unwrap();
    }
}

/// Waits for the served checkpoint to cover `size` records; checks its signature.
async fn checkpoint_of(app: &TestApp, size: u64) -> (String, Checkpoint) {
    let anonymous = reqwest::Client::new();
    for _ in 0..100 {
        let response = anonymous
            .get(format!("{}/ledger/checkpoint", app.address))
            .send()
            .await
            .unwrap();
        if response.status() == 200 {
            let note = response.text().await.unwrap();
            let origin = note.lines().next().unwrap().to_owned();
            let opened = Checkpoint::open(&note, &origin, &app.evidence_public, None)
                .expect("signed by the evidence key");
            if opened.size == size {
                return (note, opened);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no checkpoint of {size} records within 10 s");
}

fn hash(encoded: &str) -> Hash {
    STANDARD.decode(encoded).unwrap().try_into().unwrap()
}

async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A proof, asked for without signing in.
async fn get_json<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str) -> T {
    let (status, body) = get(app, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// The leaf hash of record `sequence`, from the record itself.
async fn leaf_of(db: &DatabaseConnection, sequence: i64) -> Hash {
    let record = ledger::by_sequence(db, sequence).await.unwrap().unwrap();
    leaf_hash(&canonical_bytes(&ledger::fields_of(&record).unwrap()))
}

async fn proofs_verify_against_checkpoints(app: &TestApp) {
    let _courses = with_courses(app).await;
    append(app, 5).await;
    let (note, first) = checkpoint_of(app, 5).await;
    assert!(note.contains("\n5\n"), "{note}");
    append(app, 3).await;
    let (_, second) = checkpoint_of(app, 8).await;

    // Every record is in the newer tree, as its own canonical bytes hash.
    for index in 0..8u64 {
        let path = format!("/ledger/proof/inclusion?index={index}&size=8");
        let proof: InclusionProof = get_json(app, &path).await;
        let leaf = leaf_of(&app.db, index as i64 + 1).await;
        assert_eq!(hash(&proof.leaf_hash), leaf);
        let path: Vec<Hash> = proof.proof.iter().map(|h| hash(h)).collect();
        assert_eq!(
            verify_inclusion(&leaf, index, 8, &path, &second.root),
            Ok(())
        );
    }
    // The newer tree extends the older one.
    let proof: ConsistencyProof = get_json(app, "/ledger/proof/consistency?from=5&to=8").await;
    let path: Vec<Hash> = proof.proof.iter().map(|h| hash(h)).collect();
    assert_eq!(hash(&proof.to_root_hash), second.root);
    assert_eq!(
        verify_consistency(5, 8, &first.root, &second.root, &path),
        Ok(())
    );
    assert!(verify_consistency(5, 8, &second.root, &second.root, &path).is_err());

    // Questions that cannot be answered say why.
    for (path, expected) in [
        (
            "/ledger/proof/inclusion?index=8&size=8",
            "leaf 8 is not in a tree of 8",
        ),
        (
            "/ledger/proof/inclusion?index=1&size=99",
            "fewer than the 99",
        ),
        (
            "/ledger/proof/inclusion?index=one&size=8",
            "index must be a whole number",
        ),
        ("/ledger/proof/inclusion?size=8", "Give index"),
        ("/ledger/proof/consistency?from=8&to=5", "smaller tree of 5"),
    ] {
        let (status, body) = get(app, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            body.to_lowercase().contains(&expected.to_lowercase()),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn checkpoints_are_signed_and_proofs_verify_against_them() {
    let app = spawn_app_with(&fast_checkpoints()).await;
    let (status, body) = get(&app, "/ledger/checkpoint").await;
    // The first checkpoint (of the empty ledger) comes within a second of start.
    assert!(
        status == 200 || body.contains("No checkpoint has been made yet"),
        "{status}: {body}"
    );
    proofs_verify_against_checkpoints(&app).await;
}

#[tokio::test]
async fn two_instances_on_postgresql_keep_one_tree_and_one_checkpoint_per_size() {
    // Instances of one installation share its evidence key.
    let keys = tempfile::tempdir().unwrap();
    let mut settings = fast_checkpoints();
    settings.push((
        "VIGIL_EVIDENCE_KEY_FILE",
        keys.path().join("evidence-key.pem").display().to_string(),
    ));
    let Some(first) = spawn_app_on_postgres_with(&settings).await else {
        eprintln!("TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let _second = crate::helpers::spawn_instance(first.database_url.clone(), &settings).await;
    proofs_verify_against_checkpoints(&first).await;
    let per_size = first
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT COUNT(*) AS n, COUNT(DISTINCT tree_size) AS sizes, \
             (SELECT COUNT(*) FROM ledger_tree WHERE level = 0) AS leaves FROM ledger_checkpoints",
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = per_size.try_get("", "n").unwrap();
    let sizes: i64 = per_size.try_get("", "sizes").unwrap();
    let leaves: i64 = per_size.try_get("", "leaves").unwrap();
    assert_eq!(n, sizes, "one checkpoint per size");
    assert_eq!(leaves, 8, "each record is one leaf, once");
}

/// What an insider with database access would run first: lift the append-only triggers.
async fn lift_triggers(db: &DatabaseConnection) {
    app::ssr::db::test_support::drop_ledger_guards(db)
        .await
        .unwrap();
}

/// Rewrites the chain from record `from` on so that every hash and link checks out again.
async fn rehash_from(db: &DatabaseConnection, from: i64) {
    let count = ledger::count(db).await.unwrap() as i64;
    let mut previous = ledger::by_sequence(db, from - 1)
        .await
        .unwrap()
        .map(|r| r.record_hash)
        .unwrap_or_else(|| app::domain::ledger::GENESIS.to_owned());
    for sequence in from..=count {
        let record = ledger::by_sequence(db, sequence).await.unwrap().unwrap();
        let mut fields = ledger::fields_of(&record).unwrap();
        fields.prev_hash = previous.clone();
        let new_hash = record_hash(&fields);
        db.execute_unprepared(&format!(
            "UPDATE completion_records SET prev_hash = '{previous}', record_hash = '{new_hash}' \
             WHERE sequence = {sequence}"
        ))
        .await
        .unwrap();
        previous = new_hash;
    }
}

#[tokio::test]
async fn a_kept_checkpoint_shows_deleted_rewritten_and_reordered_records() {
    let app = spawn_app_with(&fast_checkpoints()).await;
    let _courses = with_courses(&app).await;
    append(&app, 6).await;
    let (_, kept) = checkpoint_of(&app, 6).await;
    append(&app, 2).await;
    assert_eq!(
        transparency::verify_extends(&app.db, &kept).await.unwrap(),
        Against::Extends {
            checkpoint_size: 6,
            ledger_size: 8
        }
    );
    lift_triggers(&app.db).await;

    // The newest records deleted (back to 4): what the checkpoint covered is missing, and the first
    // missing record is named.
    app.db
        .execute_unprepared("DELETE FROM completion_records WHERE sequence > 4")
        .await
        .unwrap();
    assert!(
        ledger::verify(&app.db).await.unwrap().is_ok(),
        "the chain alone is fooled"
    );
    assert_eq!(
        transparency::verify_extends(&app.db, &kept).await.unwrap(),
        Against::Shrunk {
            checkpoint_size: 6,
            ledger_size: 4,
            first_missing: 4
        }
    );
    // Then a record's reason changed and the whole chain after it rewritten: the chain checks out,
    // the checkpoint does not, and the changed record is named.
    app.db
        .execute_unprepared(
            "UPDATE completion_records SET reason = 'never happened' WHERE sequence = 3",
        )
        .await
        .unwrap();
    rehash_from(&app.db, 3).await;
    assert!(
        ledger::verify(&app.db).await.unwrap().is_ok(),
        "the chain alone is fooled"
    );
    assert_eq!(
        transparency::verify_extends(&app.db, &kept).await.unwrap(),
        Against::Changed {
            first_changed: Some(2)
        }
    );
}

/// An evidence pack for the last month, unzipped.
async fn pack_files(app: &TestApp) -> std::collections::BTreeMap<String, Vec<u8>> {
    let today = Utc::now().date_naive();
    let from = (today - chrono::Days::new(30)).to_string();
    let response = app
        .post_form(
            "/evidence/pack.zip",
            &[("from", &from), ("to", &today.to_string())],
        )
        .await;
    assert_eq!(response.status(), 200);
    app::ssr::evidence::unzip(&response.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn a_rewritten_tree_does_not_hide_a_rewritten_ledger() {
    let app = spawn_app_with(&fast_checkpoints()).await;
    let _courses = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;
    append(&app, 5).await;
    let (_, kept) = checkpoint_of(&app, 5).await;
    let first_pack = pack_files(&app).await;
    append(&app, 1).await;
    let second_pack = pack_files(&app).await;
    // The second period's pack proves it extends the first's, and each proves its own records.
    let key = &app.evidence_public;
    assert_eq!(
        pack_proof::extends(&second_pack, &first_pack, key),
        Ok((5, 6))
    );
    assert_eq!(pack_proof::check(&second_pack, key).unwrap().records, 6);
    assert!(pack_proof::extends(&first_pack, &second_pack, key).is_err());
    lift_triggers(&app.db).await;
    // Records 2 and 3 swapped (their contents), the chain rehashed, and the stored tree rebuilt
    // to match, as a thorough insider would.
    app.db
        .execute_unprepared(
            "UPDATE completion_records SET reason = CASE sequence \
               WHEN 2 THEN 'classroom session 2' ELSE 'classroom session 1' END \
             WHERE sequence IN (2, 3)",
        )
        .await
        .unwrap();
    rehash_from(&app.db, 2).await;
    app.db
        .execute_unprepared("DROP TRIGGER ledger_tree_no_delete")
        .await
        .unwrap();
    app.db
        .execute_unprepared("DELETE FROM ledger_tree")
        .await
        .unwrap();
    // (The server's own checkpoint loop may rebuild it first.)
    assert!(transparency::extend_tree(&app.db).await.unwrap().is_ok());
    assert_eq!(app::ssr::db::ledger_tree::size(&app.db).await.unwrap(), 6);
    assert_eq!(
        transparency::verify_extends(&app.db, &kept).await.unwrap(),
        Against::Changed {
            first_changed: None
        }
    );
    // A pack made now carries no proof, and says why: the tree no longer has the signed root.
    let rewritten_pack = pack_files(&app).await;
    let missing = String::from_utf8(rewritten_pack["ledger-proof-missing.txt"].clone()).unwrap();
    assert!(missing.contains("the tree was rewritten"), "{missing}");
    assert!(pack_proof::extends(&rewritten_pack, &second_pack, key).is_err());
    // Once more records arrive, a new checkpoint is signed over the rewritten tree; it does not
    // extend the previous period's pack.
    append(&app, 1).await;
    let later_pack = pack_files(&app).await;
    let refused = pack_proof::extends(&later_pack, &second_pack, key).unwrap_err();
    assert!(refused.contains("does not extend"), "{refused}");
}
