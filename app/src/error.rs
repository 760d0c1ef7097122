//! Vigil's one error type, shared by server functions and the pages that show their results.
//!
//! Policy:
//! - Every variant has a user-facing message that says what to do; nothing in it comes from SQL,
//!   file paths, stack traces or other internals. Internal causes are logged where they happen
//!   (see `AppError::internal`) and the user sees an opaque reference to quote.
//! - Messages are a closed set: variants carry only enums and numbers, never free text. Without
//!   JavaScript, Leptos carries a server function's error back in the page URL, and a URL can be
//!   crafted by anyone; a closed set means a crafted link can only show Vigil's own wording.
//! - Each variant maps explicitly to an HTTP status (`AppError::status`).

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// Everything a Vigil request can fail with, as the user sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{0} was not found. It may have been removed, or the link may be wrong.")]
    NotFound(Resource),
    #[error("The email address or password is not right. Check both and try again.")]
    InvalidCredentials,
    #[error(
        "Too many failed sign-in attempts. Wait {} before trying again, or ask an administrator to reset your password.",
        wait_phrase(*retry_after_secs)
    )]
    RateLimited { retry_after_secs: u64 },
    #[error(
        "Too many requests from here. Wait {} before trying again.",
        wait_phrase(*retry_after_secs)
    )]
    TooManyRequests { retry_after_secs: u64 },
    #[error(
        "There have been many failed sign-ins from your network, so Vigil needs to know a person is signing in. Reload the sign-in page, then sign in again."
    )]
    PresenceRequired,
    #[error("Vigil is busy right now. Try again in a moment.")]
    Busy,
    #[error("{0}")]
    Link(LinkProblem),
    #[error("{0}")]
    Rights(crate::domain::admin_rights::RightsRefused),
    #[error("{0}")]
    Invalid(Invalid),
    #[error("{0}")]
    Conflict(Conflict),
    #[error("{0}")]
    Content(ContentInvalid),
    #[error("{0}")]
    Training(TrainingInvalid),
    /// An organisation detail (`{{contacts.security_email}}` and the like) was refused: the
    /// sentence names it and says what it must be.
    #[error("{0}")]
    OrganisationValue(String),
    #[error("The request was not understood. Reload the page and try again.")]
    BadRequest,
    #[error("Vigil could not be reached. Check your connection and try again.")]
    Unreachable,
    #[error(
        "Something went wrong on our side, and nothing was changed. Try again; if it keeps happening, give your administrator the reference {reference:08x}."
    )]
    Internal { reference: u32 },
}

/// Things that can be missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Resource {
    #[error("That person")]
    Person,
    #[error("That job role")]
    JobRole,
    #[error("That department")]
    Department,
    #[error("That page")]
    Page,
    #[error("That course")]
    Course,
    #[error("That course version")]
    CourseVersion,
    #[error("That draft")]
    Draft,
    #[error("That quiz attempt")]
    Attempt,
    #[error("That record")]
    Record,
    #[error("That certificate")]
    Certificate,
    #[error("That exemption")]
    Exemption,
    #[error("That witness")]
    Witness,
    #[error("That API token")]
    Token,
}

/// Input fields that validation messages name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Field {
    #[error("Email address")]
    Email,
    #[error("Password")]
    Password,
    #[error("Current password")]
    CurrentPassword,
    #[error("Name")]
    Name,
    #[error("Job title")]
    JobTitle,
    #[error("Department")]
    Department,
    #[error("Hire date")]
    HireDate,
    #[error("Manager")]
    Manager,
    #[error("Job role")]
    JobRole,
    #[error("Reason")]
    Reason,
    #[error("Completion date")]
    CompletedOn,
    #[error("Start date")]
    StartsOn,
    #[error("Expiry date")]
    ExpiresOn,
    #[error("Session date")]
    HeldOn,
    #[error("Trainer")]
    Trainer,
    #[error("Notes")]
    Notes,
    #[error("From date")]
    From,
    #[error("To date")]
    To,
    #[error("Review date")]
    ReviewedOn,
    #[error("Reviewers")]
    Reviewers,
    #[error("Summary")]
    Summary,
    #[error("Changes decided")]
    Changes,
    #[error("Next review date")]
    NextReviewOn,
}

/// Why input was refused. Each says what to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Invalid {
    #[error("{0} is required.")]
    Required(Field),
    #[error("{0} is too long: use at most {1} characters.")]
    TooLong(Field, usize),
    #[error("{0} contains control characters; remove them.")]
    ControlCharacters(Field),
    #[error("{0} must be a date written as YYYY-MM-DD.")]
    DateFormat(Field),
    #[error("That is not a valid email address. Use the form name@example.com.")]
    EmailFormat,
    #[error(
        "Choose a password of at least {0} characters. Three or four unrelated words make a strong one that is easy to remember."
    )]
    PasswordTooShort(usize),
    #[error("Choose a password of at most {0} characters.")]
    PasswordTooLong(usize),
    #[error("That password is one of the most common choices and easy to guess. Choose another.")]
    PasswordTooCommon,
    #[error("Do not use your email address in your password. Choose another.")]
    PasswordContainsEmail,
    #[error("The two new passwords do not match. Type the same password in both fields.")]
    PasswordsDoNotMatch,
    #[error("Your current password is not right, so nothing was changed.")]
    CurrentPasswordWrong,
    #[error("The new password must differ from the current one.")]
    PasswordUnchanged,
    #[error("A person cannot be their own manager, directly or through their reports.")]
    ManagerCycle,
    #[error("There is no job role called that. Use one of the roles listed in the form.")]
    UnknownJobRole,
    #[error(
        "No course is available in that language. Choose one of the languages listed in the form."
    )]
    UnknownLanguage,
    #[error(
        "Choose who the course is for: everyone, or at least one job role, department or managers."
    )]
    AudienceEmpty,
    #[error(
        "The file has problems, so nobody was imported. Fix the lines listed and upload it again."
    )]
    ImportHasErrors,
    #[error("Choose a CSV file to upload.")]
    ImportMissing,
    #[error("Tick the box to confirm that you want to deactivate this person.")]
    DeactivateNotConfirmed,

    #[error("Give a reason; it is kept with the record for auditors.")]
    ReasonRequired,
    #[error("The expiry date must be after the start date.")]
    ExpiryBeforeStart,
    #[error(
        "Reminder days must be whole numbers from 1 to 365; leave a box empty to switch that reminder off."
    )]
    ReminderDays,
    #[error("Choose a day of the week for the digest, or none.")]
    DigestWeekday,
    #[error("The hour to send reminders must be from 0 to 23 (UTC).")]
    SendHour,
    #[error(
        "A witness is an email address (name@example.com) or a web address starting with https:// (or http:// on this machine)."
    )]
    WitnessAddress,
    #[error("Choose how often the witness is sent checkpoints: at each checkpoint, or daily.")]
    WitnessCadence,
    #[error("That witness is already on the list.")]
    WitnessDuplicate,
    #[error("Tick the box to confirm that this witness should no longer be sent checkpoints.")]
    WitnessRemoveNotConfirmed,
    #[error("Choose what the token may do: scim, reports:read or evidence:export.")]
    TokenScope,
    #[error("A token lasts from 1 to {0} days: give a whole number of days.")]
    TokenDays(u32),
    #[error("Tick the box to confirm that this token should stop working now.")]
    TokenRevokeNotConfirmed,
    #[error(
        "A review can only be recorded once it has happened: the review date is in the future."
    )]
    ReviewInFuture,
    #[error(
        "The next review must come after this one and within 12 months of it (PCI DSS 12.6.2); leave it empty for 12 months."
    )]
    NextReviewOutOfRange,
}

/// Why a link from an email (an invitation, a password reset) cannot be used. Each says what
/// to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LinkProblem {
    #[error("This invitation has expired. Ask your administrator to send you a new one.")]
    InvitationExpired,
    #[error(
        "This invitation has already been used. Sign in with the password you chose, or use “Forgot your password?” on the sign-in page."
    )]
    InvitationUsed,
    #[error(
        "This password reset link has expired (links last one hour). Ask for a new one with “Forgot your password?” on the sign-in page."
    )]
    ResetExpired,
    #[error(
        "This password reset link has already been used. If you still need to, ask for a new one with “Forgot your password?” on the sign-in page."
    )]
    ResetUsed,
    #[error(
        "This link is not valid. Check that you copied all of it from the email, or ask for a new one."
    )]
    Unknown,
}

/// Requests that clash with what is already stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Conflict {
    #[error("Somebody already uses that email address.")]
    EmailTaken,
    #[error(
        "This person has no email address yet (their directory sent none), so nothing can be sent to them."
    )]
    NoEmailAddress,
    #[error("This person is already deactivated.")]
    AlreadyDeactivated,
    #[error(
        "A course with that id already exists. Open it from the content list and edit it instead."
    )]
    CourseExists,
    #[error("A file with that name already exists in this draft.")]
    FileExists,
    #[error("The course is already retired.")]
    AlreadyRetired,
    #[error("The course is not retired.")]
    NotRetired,
    #[error("A reminder about this was already sent today; one a day is enough.")]
    RemindedToday,
    #[error("This file has already been imported.")]
    AlreadyImported,
    #[error("Nothing is outstanding for this person, so there is nothing to remind them about.")]
    NothingOutstanding,
    #[error(
        "Email is switched off on this Vigil (VIGIL_MAIL=off), so nothing can be sent. Ask your platform administrator to configure mail."
    )]
    MailOff,
    #[error(
        "This person has already accepted an invitation and chosen a password. If they have forgotten it, they can use “Forgot your password?” on the sign-in page."
    )]
    InvitationAccepted,
    #[error("This person is deactivated, so they cannot be invited.")]
    InvitedPersonInactive,
}

/// Why a learner's or administrator's training action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TrainingInvalid {
    #[error("This course is not assigned to you, so there is nothing to take.")]
    NotAssigned,
    #[error("Tick the box to accept the statement.")]
    AcceptStatement,
    #[error("Open and read the text first; your reading time starts when you open it.")]
    ReadingNotStarted,
    #[error("Please take the time to read the whole text: you can accept it in {0} seconds.")]
    ReadingTooShort(u64),
    #[error("This course has no quiz.")]
    NoQuiz,
    #[error("This attempt has already been submitted. Open your result from the course page.")]
    AttemptSubmitted,
    #[error("You have used your attempts for now. You can try again in {} (a break to revisit the lessons helps).", minutes_phrase(*.0))]
    RetakeLater(u64),
    #[error("That record cannot be voided: it is already voided, or it is itself a correction.")]
    CannotVoid,
    #[error("Choose how the session was run: presentation, group discussion or one-on-one.")]
    SessionFormat,
    #[error("List at least one attendee's email address.")]
    NoAttendees,
    #[error(
        "Attendee number {0} in the list is not an active person in Vigil. Check the email address; nothing was recorded."
    )]
    UnknownAttendee(u16),
}

fn minutes_phrase(minutes: u64) -> String {
    match minutes {
        0 | 1 => "a minute".to_owned(),
        m if m < 120 => format!("{m} minutes"),
        m => format!("about {} hours", m.div_ceil(60)),
    }
}

/// Why content could not be saved or published. Detailed per-file problems are shown in the
/// editor from the stored draft; these say what to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ContentInvalid {
    #[error(
        "A course id is 2 to 80 lower-case letters, digits and hyphens, such as phishing-basics."
    )]
    CourseId,
    #[error(
        "The upload has no course.toml with a valid id. Zip the course folder itself (course.toml at its top) and upload that."
    )]
    UploadWithoutId,
    #[error(
        "The upload could not be read as a course. It must be a zip of one course folder: at most 10 MiB in all, 512 KiB per Markdown file, 2 MiB per image, and no paths outside the folder."
    )]
    UploadUnreadable,
    #[error("Choose a zip file to upload.")]
    UploadMissing,
    #[error("That file is not part of this draft. Reload the page and try again.")]
    UnknownFile,
    #[error("A file is larger than 512 KiB; split it into shorter lessons.")]
    FileTooLarge,
    #[error(
        "Lesson file names are two digits, a hyphen and lower-case words, such as 03-reporting.md."
    )]
    LessonName,
    #[error("course.toml cannot be removed: every course needs one.")]
    KeepMetadata,
    #[error(
        "The course has problems, so it was not published. Fix the problems listed below and publish again."
    )]
    HasProblems,
    #[error("Say what changed in the version notes before publishing.")]
    VersionNotes,
    #[error("Tick the box to confirm that you want to retire the course.")]
    RetireNotConfirmed,
    #[error(
        "The course took too long to check and render, so it was not used. Make its lessons shorter or simpler (see the limits in the authoring guide)."
    )]
    TooSlow,
}

fn wait_phrase(seconds: u64) -> String {
    let minutes = seconds.div_ceil(60);
    match minutes {
        0 | 1 => "a minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::Invalid(_) | Self::Content(_) | Self::OrganisationValue(_) => 422,
            Self::Training(TrainingInvalid::NotAssigned) => 403,
            Self::Training(TrainingInvalid::AttemptSubmitted) => 409,
            Self::Training(TrainingInvalid::RetakeLater(_)) => 429,
            Self::Training(_) => 422,
            Self::RateLimited { .. } | Self::TooManyRequests { .. } | Self::PresenceRequired => 429,
            Self::Busy => 503,
            Self::Rights(refused) if refused.is_permission() => 403,
            Self::Rights(_) => 409,
            Self::Link(LinkProblem::Unknown) => 404,
            Self::Link(_) => 410,
            Self::BadRequest => 400,
            Self::Unreachable => 503,
            Self::Internal { .. } => 500,
        }
    }

    /// The field an `Invalid` error is about, so a form can mark it.
    pub fn field(&self) -> Option<Field> {
        match self {
            Self::Invalid(Invalid::Required(field) | Invalid::TooLong(field, _))
            | Self::Invalid(Invalid::ControlCharacters(field) | Invalid::DateFormat(field)) => {
                Some(*field)
            }
            Self::Invalid(Invalid::EmailFormat) | Self::Conflict(Conflict::EmailTaken) => {
                Some(Field::Email)
            }
            Self::Invalid(
                Invalid::PasswordTooShort(_)
                | Invalid::PasswordTooLong(_)
                | Invalid::PasswordTooCommon
                | Invalid::PasswordContainsEmail
                | Invalid::PasswordsDoNotMatch
                | Invalid::PasswordUnchanged,
            ) => Some(Field::Password),
            Self::Invalid(Invalid::CurrentPasswordWrong) => Some(Field::CurrentPassword),
            Self::Invalid(Invalid::ManagerCycle) => Some(Field::Manager),
            Self::Invalid(Invalid::UnknownJobRole) => Some(Field::JobRole),
            Self::Invalid(Invalid::ReasonRequired) => Some(Field::Reason),
            _ => None,
        }
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid)
    }
}

impl From<TrainingInvalid> for AppError {
    fn from(invalid: TrainingInvalid) -> Self {
        Self::Training(invalid)
    }
}

impl From<ContentInvalid> for AppError {
    fn from(invalid: ContentInvalid) -> Self {
        Self::Content(invalid)
    }
}

impl From<crate::domain::admin_rights::RightsRefused> for AppError {
    fn from(refused: crate::domain::admin_rights::RightsRefused) -> Self {
        Self::Rights(refused)
    }
}

impl From<LinkProblem> for AppError {
    fn from(problem: LinkProblem) -> Self {
        Self::Link(problem)
    }
}

impl From<Conflict> for AppError {
    fn from(conflict: Conflict) -> Self {
        Self::Conflict(conflict)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Unreachable,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest,
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function transport failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                Self::Internal { reference: 0 }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_a_client_or_server_status() {
        let cases = [
            (AppError::Unauthenticated, 401),
            (AppError::Forbidden, 403),
            (AppError::NotFound(Resource::Person), 404),
            (AppError::InvalidCredentials, 401),
            (
                AppError::RateLimited {
                    retry_after_secs: 10,
                },
                429,
            ),
            (AppError::Invalid(Invalid::EmailFormat), 422),
            (AppError::Conflict(Conflict::EmailTaken), 409),
            (AppError::BadRequest, 400),
            (AppError::Internal { reference: 1 }, 500),
        ];
        for (error, status) in cases {
            assert_eq!(error.status(), status, "{error:?}");
        }
    }

    #[test]
    fn internal_errors_show_only_a_reference() {
        let message = AppError::Internal {
            reference: 0xdead_beef,
        }
        .to_string();
        assert!(message.contains("deadbeef"), "{message}");
        assert!(message.contains("nothing was changed"), "{message}");
    }

    #[test]
    fn rate_limit_messages_round_up_to_minutes() {
        let message = AppError::RateLimited {
            retry_after_secs: 61,
        }
        .to_string();
        assert!(message.contains("Wait 2 minutes"), "{message}");
        let message = AppError::RateLimited {
            retry_after_secs: 5,
        }
        .to_string();
        assert!(message.contains("Wait a minute"), "{message}");
    }

    #[test]
    fn validation_messages_name_the_field_and_the_fix() {
        let message = AppError::from(Invalid::TooLong(Field::JobTitle, 200)).to_string();
        assert_eq!(
            message,
            "Job title is too long: use at most 200 characters."
        );
        assert_eq!(
            AppError::from(Invalid::TooLong(Field::JobTitle, 200)).field(),
            Some(Field::JobTitle)
        );
    }

    #[test]
    fn errors_round_trip_through_their_wire_encoding() {
        let error = AppError::RateLimited {
            retry_after_secs: 42,
        };
        let bytes = error.ser();
        assert_eq!(AppError::de(bytes), error);
    }
}
