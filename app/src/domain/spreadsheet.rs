//! Making exported cells safe to open in a spreadsheet.
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
//! by Excel, LibreOffice and Google Sheets ("CSV injection"). Such cells get a leading
//! apostrophe, which the spreadsheet shows as text. RFC 4180 quoting is the csv crate's job.

use std::borrow::Cow;

/// The cell, neutralised if a spreadsheet would treat it as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starters_are_neutralised() {
        for dangerous in [
            "=HYPERLINK(\"http://evil\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tTAB",
            "\rCR",
        ] {
            let safe = neutralise(dangerous);
            assert!(safe.starts_with('\''), "{dangerous:?} -> {safe:?}");
            assert_eq!(&safe[1..], dangerous);
        }
    }

    #[test]
    fn ordinary_text_and_empty_cells_are_unchanged() {
        for fine in [
            "Dana Okafor",
            "2026-01-15",
            "",
            "a=b",
            " =still text after a space",
        ] {
            assert!(matches!(neutralise(fine), Cow::Borrowed(_)), "{fine:?}");
        }
    }
}
