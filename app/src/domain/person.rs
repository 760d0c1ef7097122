//! A person's details as an administrator or the demo loader enters them.

use chrono::NaiveDate;

use crate::error::{Field, Invalid};

/// Longest name, job title or department accepted.
pub const MAX_TEXT: usize = 200;

/// A preferred language as a form or a file gives it: empty means none, so that each course is
/// taken in its own language.
pub fn preferred_language(choice: &str) -> Option<String> {
    (!choice.is_empty()).then(|| choice.to_owned())
}

/// Trims `input` and checks it is present and not too long.
pub fn required_text(input: &str, field: Field) -> Result<String, Invalid> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Invalid::Required(field));
    }
    optional_text(trimmed, field).map(|text| text.unwrap_or_default())
}

/// Trims `input`; empty becomes `None`.
pub fn optional_text(input: &str, field: Field) -> Result<Option<String>, Invalid> {
    let trimmed = input.trim();
    if trimmed.chars().count() > MAX_TEXT {
        return Err(Invalid::TooLong(field, MAX_TEXT));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::ControlCharacters(field));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// Parses a date written as `YYYY-MM-DD`, the format of HTML date inputs and CSV files.
pub fn parse_date(input: &str, field: Field) -> Result<NaiveDate, Invalid> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Invalid::Required(field));
    }
    NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| Invalid::DateFormat(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(
            required_text("  Dana Okafor ", Field::Name),
            Ok("Dana Okafor".to_owned())
        );
        assert_eq!(
            required_text(" ", Field::Name),
            Err(Invalid::Required(Field::Name))
        );
    }

    #[test]
    fn text_longer_than_the_limit_is_rejected() {
        let long = "x".repeat(MAX_TEXT + 1);
        assert_eq!(
            optional_text(&long, Field::JobTitle),
            Err(Invalid::TooLong(Field::JobTitle, MAX_TEXT))
        );
    }

    #[test]
    fn control_characters_are_rejected() {
        assert_eq!(
            required_text("Dana\u{7}", Field::Name),
            Err(Invalid::ControlCharacters(Field::Name))
        );
    }

    #[test]
    fn dates_must_be_iso_formatted() {
        assert_eq!(
            parse_date("2024-02-29", Field::HireDate),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
        assert_eq!(
            parse_date("29/02/2024", Field::HireDate),
            Err(Invalid::DateFormat(Field::HireDate))
        );
        assert_eq!(
            parse_date("2023-02-29", Field::HireDate),
            Err(Invalid::DateFormat(Field::HireDate))
        );
    }
}
