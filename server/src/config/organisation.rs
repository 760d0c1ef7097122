//! The organisation's details fixed by the configuration: a TOML file named by
//! `VIGIL_ORGANISATION_FILE` (or `organisation_file` in the configuration file), with one table
//! per group of variables:
//!
//! ```toml
//! [org]
//! name = "Example Ltd"
//! email_domain = "example.org"
//!
//! [contacts]
//! security_email = "security@example.org"
//! ```
//!
//! Each value is checked like one typed in the browser; an unknown name stops start-up, naming
//! it. Values set here cannot be changed in the browser.

use std::path::{Path, PathBuf};

use app::domain::content::variables::{self, VARIABLES, Values};

use super::ConfigError;

const NAME: &str = "VIGIL_ORGANISATION_FILE";

/// The configured values (none without a file).
pub fn from_sources(
    file_setting: Option<PathBuf>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Values, ConfigError> {
    match env(NAME).map(PathBuf::from).or(file_setting) {
        Some(path) => read(&path),
        None => Ok(Values::new()),
    }
}

fn invalid(path: &Path, reason: impl std::fmt::Display) -> ConfigError {
    ConfigError::Invalid {
        name: NAME,
        reason: format!("{}: {reason}", path.display()),
    }
}

fn read(path: &Path) -> Result<Values, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|err| invalid(path, err))?;
    parse(&text).map_err(|reason| invalid(path, reason))
}

/// Reads the file's text: tables of strings, each `table.name` an organisation variable.
pub fn parse(text: &str) -> Result<Values, String> {
    let table: toml::Table = toml::from_str(text).map_err(|err| err.to_string())?;
    let mut values = Values::new();
    let known = || {
        VARIABLES
            .iter()
            .map(|v| v.key)
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (group, entries) in &table {
        let Some(entries) = entries.as_table() else {
            return Err(format!(
                "{group} must be a table such as [{group}]; the variables are {}",
                known()
            ));
        };
        for (name, value) in entries {
            let key = format!("{group}.{name}");
            if variables::variable(&key).is_none() {
                return Err(format!(
                    "{key} is not an organisation variable; the variables are {}",
                    known()
                ));
            }
            let Some(text) = value.as_str() else {
                return Err(format!("{key} must be a string in quotes"));
            };
            if let Some(value) = variables::validate(&key, text)? {
                values.insert(key, value);
            }
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_give_dotted_names_and_values_are_checked() {
        let values = parse(
            "[org]\nname = \"Acme Ltd\"\n[contacts]\nsecurity_email = \"security@acme.example\"\n",
        )
        .unwrap();
        assert_eq!(values.get("org.name").map(String::as_str), Some("Acme Ltd"));
        assert_eq!(
            values.get("contacts.security_email").map(String::as_str),
            Some("security@acme.example")
        );
        let unknown = parse("[contacts]\nsecurity_mail = \"x@acme.example\"\n").unwrap_err();
        assert!(
            unknown.starts_with("contacts.security_mail is not an organisation variable"),
            "{unknown}"
        );
        let bad = parse("[contacts]\nsecurity_email = \"nobody\"\n").unwrap_err();
        assert!(bad.contains("must be an email address"), "{bad}");
        assert!(parse("name = \"x\"\n").is_err());
    }

    #[test]
    fn the_variable_names_the_file_when_it_cannot_be_read() {
        let env = |name: &str| (name == NAME).then(|| "/nonexistent/organisation.toml".to_owned());
        let err = from_sources(None, &env).unwrap_err().to_string();
        assert!(err.contains("VIGIL_ORGANISATION_FILE"), "{err}");
        assert!(err.contains("/nonexistent/organisation.toml"), "{err}");
        assert_eq!(from_sources(None, &|_: &str| None).unwrap(), Values::new());
    }
}
