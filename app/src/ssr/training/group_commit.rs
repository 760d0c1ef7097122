//! Learners' writes commit in groups. Each quiz submission or acknowledgement is a ledger
//! record, its certificate and the person's recomputed obligations, written under the ledger's
//! lock; one at a time, the organisation could record only as many as that transaction's
//! statements allow. Instead, writes that arrive while one is being committed wait, and the
//! next writer takes all of them into one transaction: one chain read, one insert of the
//! records, one of the certificates, one engine run for the people together, one commit.
//! Nobody is answered before their record has committed.
//!
//! There is no background task: whoever finds writes waiting and the writer's lock free writes
//! them, its own among them. If that request goes away part-way (its client disconnected), its
//! transaction rolls back and the others it had taken ask again. Asking again is safe: an
//! acknowledgement already recorded and still valid is answered with its record, and a quiz
//! attempt is claimed in the same transaction as its record, so it is recorded once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::oneshot;

use super::certificates::new_code;
use super::engine::{EngineLock, recompute_people_in};
use crate::domain::period::Recurrence;
use crate::error::{AppError, TrainingInvalid};
use crate::ssr::db::ledger::{self, NewRecord};
use crate::ssr::db::training;

/// The most writes one transaction takes.
const MOST_AT_ONCE: usize = 64;

/// A learner's write, checked by the caller (assigned, read long enough, answers scored).
#[derive(Clone, Debug)]
pub struct LearnerWrite {
    pub record: NewRecord,
    pub check: Check,
    pub now: DateTime<Utc>,
}

/// What is checked in the transaction itself, against writes committed before.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// An earlier acknowledgement of the same version that is still valid under the course's
    /// recurrence is the answer, instead of a new record.
    Acknowledgement { recurrence: Recurrence },
    /// The quiz attempt is claimed (refused if already submitted) and pointed at its record.
    Attempt { attempt_id: i64 },
}

struct Waiting {
    write: LearnerWrite,
    reply: oneshot::Sender<Result<i64, AppError>>,
}

/// Writes waiting to commit, and the lock whoever commits them holds.
#[derive(Default)]
pub struct WriteQueue {
    waiting: std::sync::Mutex<Vec<Waiting>>,
    writer: tokio::sync::Mutex<()>,
}

impl WriteQueue {
    /// Records `write` (or, for an acknowledgement, finds the one already recorded) and returns
    /// its ledger sequence, once committed.
    pub async fn record(
        &self,
        db: &DatabaseConnection,
        engine: &EngineLock,
        write: LearnerWrite,
    ) -> Result<i64, AppError> {
        loop {
            let (reply, mut answer) = oneshot::channel();
            self.waiting().push(Waiting {
                write: write.clone(),
                reply,
            });
            loop {
                tokio::select! {
                    biased;
                    answered = &mut answer => match answered {
                        Ok(result) => return result,
                        // Its writer went away before committing: ask again.
                        Err(_) => break,
                    },
                    _writing = self.writer.lock() => {
                        let batch: Vec<Waiting> = {
                            let mut waiting = self.waiting();
                            let take = waiting.len().min(MOST_AT_ONCE);
                            waiting.drain(..take).collect()
                        };
                        if !batch.is_empty() {
                            write_all(db, engine, batch).await;
                        }
                    }
                }
            }
        }
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Writes `batch` in one transaction and answers everyone in it. If that fails, each is written
/// on its own, so that one person's failure is theirs alone.
async fn write_all(db: &DatabaseConnection, engine: &EngineLock, batch: Vec<Waiting>) {
    let together: Vec<&LearnerWrite> = batch.iter().map(|w| &w.write).collect();
    match commit(db, engine, &together).await {
        Ok(answers) => {
            for (waiting, answer) in batch.into_iter().zip(answers) {
                let _ = waiting.reply.send(answer);
            }
        }
        Err(error) if batch.len() == 1 => {
            for waiting in batch {
                let _ = waiting.reply.send(Err(error.clone()));
            }
        }
        Err(_) => {
            for waiting in batch {
                let alone = match commit(db, engine, &[&waiting.write]).await {
                    Ok(mut answers) => answers.remove(0),
                    Err(error) => Err(error),
                };
                let _ = waiting.reply.send(alone);
            }
        }
    }
}

/// Where a write's answer comes from.
enum Answer {
    /// A record already in the ledger and still valid.
    Recorded(i64),
    /// The n-th new record of this batch.
    New(usize),
    /// Refused, with nothing written for it.
    Refused(AppError),
}

/// One transaction for `writes`: each one's sequence (or refusal), in order. An error is the
/// whole transaction's, which then changed nothing.
async fn commit(
    db: &DatabaseConnection,
    engine: &EngineLock,
    writes: &[&LearnerWrite],
) -> Result<Vec<Result<i64, AppError>>, AppError> {
    let held = engine.one_person().await;
    let txn = ledger::begin(db).await?;
    let acknowledged: Vec<(i64, i64)> = writes
        .iter()
        .filter(|w| matches!(w.check, Check::Acknowledgement { .. }))
        .map(|w| (w.record.person_id, w.record.version_id))
        .collect();
    let latest = ledger::latest_acknowledgements(&txn, &acknowledged).await?;
    let mut answers = Vec::with_capacity(writes.len());
    let mut new: Vec<(NewRecord, DateTime<Utc>)> = Vec::new();
    let mut attempts: Vec<(i64, usize)> = Vec::new();
    let mut acknowledgement_in_batch: HashMap<(i64, i64), usize> = HashMap::new();
    for write in writes {
        let answer = match write.check {
            Check::Acknowledgement { recurrence } => {
                let pair = (write.record.person_id, write.record.version_id);
                match (latest.get(&pair), acknowledgement_in_batch.get(&pair)) {
                    (Some(&(sequence, at)), _)
                        if recurrence.still_valid(at.date_naive(), write.now.date_naive()) =>
                    {
                        Answer::Recorded(sequence)
                    }
                    // The same person accepting the same version twice in one batch (two tabs).
                    (_, Some(&index)) => Answer::New(index),
                    _ => {
                        acknowledgement_in_batch.insert(pair, new.len());
                        new.push((write.record.clone(), write.now));
                        Answer::New(new.len() - 1)
                    }
                }
            }
            Check::Attempt { attempt_id } => {
                if training::claim_attempt(&txn, attempt_id, write.now).await? {
                    attempts.push((attempt_id, new.len()));
                    new.push((write.record.clone(), write.now));
                    Answer::New(new.len() - 1)
                } else {
                    Answer::Refused(TrainingInvalid::AttemptSubmitted.into())
                }
            }
        };
        answers.push(answer);
    }
    let sequences = if new.is_empty() {
        Vec::new()
    } else {
        let sequences = ledger::append_batch(&txn, &new).await?;
        for (attempt_id, index) in &attempts {
            training::set_attempt_record(&txn, *attempt_id, sequences[*index]).await?;
        }
        let certificates = sequences
            .iter()
            .zip(&new)
            .filter(|(_, (record, _))| record.passed)
            .map(|(sequence, (_, at))| (*sequence, new_code(), *at))
            .collect();
        training::issue_certificates(&txn, certificates).await?;
        let people: Vec<i64> = new.iter().map(|(record, _)| record.person_id).collect();
        let now = new.iter().map(|(_, at)| *at).max().unwrap_or_else(Utc::now);
        recompute_people_in(&txn, &held, &people, now).await?;
        sequences
    };
    txn.commit().await?;
    tracing::debug!(
        writes = writes.len(),
        recorded = new.len(),
        "learners' writes committed together"
    );
    Ok(answers
        .into_iter()
        .map(|answer| match answer {
            Answer::Recorded(sequence) => Ok(sequence),
            Answer::New(index) => Ok(sequences[index]),
            Answer::Refused(error) => Err(error),
        })
        .collect())
}
