use sea_orm::entity::prelude::*;

/// A message in the delivery queue. `kind` and `status` hold `MessageKind` and
/// `DeliveryStatus` spellings; the repository parses them and refuses unknown values.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The `Message-ID` header, the same on every attempt.
    pub message_id: String,
    pub kind: String,
    /// The person it is for, when it is for one.
    pub person_id: Option<i64>,
    pub recipient: String,
    pub course_id: Option<i64>,
    /// Who caused it (a manager's reminder, an administrator's invitation).
    pub sent_by: Option<i64>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A delivery worker holds the message until then.
    pub claimed_until: Option<DateTimeUtc>,
    pub claimed_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// What the SMTP server answered when it accepted the message.
    pub smtp_reply: Option<String>,
    pub failed_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// Makes a message unique (one scheduled message per person per day).
    pub dedupe_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
