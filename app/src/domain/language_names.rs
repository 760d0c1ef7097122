//! Names of languages in themselves, for choosing one ("Deutsch", not "German").

/// The name of the language `tag` (BCP 47) in that language, with the tag for regional
/// variants and languages not listed here.
pub fn language_name(tag: &str) -> String {
    let (primary, region) = match tag.split_once('-') {
        Some((primary, region)) => (primary, Some(region)),
        None => (tag, None),
    };
    let name = match primary.to_ascii_lowercase().as_str() {
        "en" => "English",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        "pl" => "Polski",
        "sv" => "Svenska",
        "da" => "Dansk",
        "nb" | "no" => "Norsk",
        "fi" => "Suomi",
        "cs" => "Čeština",
        _ => return tag.to_owned(),
    };
    match region {
        Some(region) => format!("{name} ({region})"),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_named_in_themselves() {
        assert_eq!(language_name("de"), "Deutsch");
        assert_eq!(language_name("en-GB"), "English (GB)");
        assert_eq!(language_name("tlh"), "tlh");
    }
}
