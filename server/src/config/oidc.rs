//! Sign-in through an OpenID provider: `VIGIL_OIDC_ISSUER`, `VIGIL_OIDC_CLIENT_ID`,
//! `VIGIL_OIDC_CLIENT_SECRET_FILE`, `VIGIL_OIDC_NAME`; and just-in-time creation of people the
//! provider vouches for (`VIGIL_OIDC_CREATE_PEOPLE=true` with `VIGIL_OIDC_NEW_PEOPLE_DEPARTMENT`
//! and `VIGIL_OIDC_NEW_PEOPLE_ROLE`). All unset: no single sign-on.

use super::ConfigError;

/// The provider's settings, before discovery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: String,
    /// Read from the file named by `VIGIL_OIDC_CLIENT_SECRET_FILE`; never logged.
    pub client_secret: String,
    pub name: String,
    pub create_people: Option<(String, String)>,
    /// `VIGIL_OIDC_EMAILS_SET_BY_ADMINS`: accept an email claim without `email_verified`.
    pub emails_set_by_admins: bool,
    /// `VIGIL_PASSWORD_SIGN_IN=platform-admins`: passwords sign in only platform administrators
    /// (break-glass); everyone else signs in with the provider.
    pub passwords_for_platform_admins_only: bool,
}

const SETTINGS: [&str; 3] = [
    "VIGIL_OIDC_ISSUER",
    "VIGIL_OIDC_CLIENT_ID",
    "VIGIL_OIDC_CLIENT_SECRET_FILE",
];

/// Reads the settings: none of the three, or all of them.
pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<OidcConfig>, ConfigError> {
    let values: Vec<Option<String>> = SETTINGS
        .iter()
        .map(|name| {
            env(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        })
        .collect();
    if values.iter().all(Option::is_none) {
        if env("VIGIL_PASSWORD_SIGN_IN").is_some_and(|v| v.trim() != "everyone") {
            return Err(ConfigError::Invalid {
                name: "VIGIL_PASSWORD_SIGN_IN",
                reason: "limiting password sign-in needs single sign-on (VIGIL_OIDC_ISSUER and the rest), or nobody else could sign in".to_owned(),
            });
        }
        return Ok(None);
    }
    if let Some(missing) = SETTINGS.iter().zip(&values).find(|(_, v)| v.is_none()) {
        return Err(ConfigError::Invalid {
            name: missing.0,
            reason: "single sign-on needs VIGIL_OIDC_ISSUER, VIGIL_OIDC_CLIENT_ID and VIGIL_OIDC_CLIENT_SECRET_FILE together".to_owned(),
        });
    }
    let [Some(issuer), Some(client_id), Some(secret_file)] =
        <[Option<String>; 3]>::try_from(values).unwrap_or_default()
    else {
        return Ok(None);
    };
    if !(issuer.starts_with("https://")
        || issuer.starts_with("http://127.0.0.1")
        || issuer.starts_with("http://localhost"))
    {
        return Err(ConfigError::Invalid {
            name: "VIGIL_OIDC_ISSUER",
            reason: format!("{issuer:?} must be an https:// URL (plain http only on this machine)"),
        });
    }
    let client_secret = std::fs::read_to_string(&secret_file)
        .map_err(|err| ConfigError::Invalid {
            name: "VIGIL_OIDC_CLIENT_SECRET_FILE",
            reason: format!("cannot read {secret_file}: {err}"),
        })?
        .trim()
        .to_owned();
    if client_secret.is_empty() {
        return Err(ConfigError::Invalid {
            name: "VIGIL_OIDC_CLIENT_SECRET_FILE",
            reason: format!("{secret_file} is empty"),
        });
    }
    let create = match env("VIGIL_OIDC_CREATE_PEOPLE") {
        Some(raw) => super::parse_bool("VIGIL_OIDC_CREATE_PEOPLE", &raw)?,
        None => false,
    };
    let create_people = if create {
        let department = env("VIGIL_OIDC_NEW_PEOPLE_DEPARTMENT")
            .filter(|v| !v.trim().is_empty())
            .ok_or(ConfigError::Invalid {
                name: "VIGIL_OIDC_NEW_PEOPLE_DEPARTMENT",
                reason: "creating people at their first sign-in needs the department they join"
                    .to_owned(),
            })?;
        let role = env("VIGIL_OIDC_NEW_PEOPLE_ROLE")
            .unwrap_or_else(|| app::domain::job_role::EMPLOYEE.to_owned());
        Some((department.trim().to_owned(), role.trim().to_owned()))
    } else {
        None
    };
    let emails_set_by_admins = match env("VIGIL_OIDC_EMAILS_SET_BY_ADMINS") {
        Some(raw) => super::parse_bool("VIGIL_OIDC_EMAILS_SET_BY_ADMINS", &raw)?,
        None => false,
    };
    let passwords_for_platform_admins_only =
        match env("VIGIL_PASSWORD_SIGN_IN").as_deref().map(str::trim) {
            None | Some("everyone") => false,
            Some("platform-admins") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "VIGIL_PASSWORD_SIGN_IN",
                    reason: format!("{other:?}: use everyone (the default) or platform-admins"),
                });
            }
        };
    Ok(Some(OidcConfig {
        emails_set_by_admins,
        passwords_for_platform_admins_only,
        issuer,
        client_id,
        client_secret,
        name: env("VIGIL_OIDC_NAME")
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "your organisation".to_owned()),
        create_people,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Option<OidcConfig>, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        from_env(&move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn none_set_is_off_and_a_partial_setup_names_the_missing_setting() {
        assert_eq!(read(&[]).expect("off"), None);
        let err = read(&[("VIGIL_OIDC_ISSUER", "https://id.example")]).expect_err("partial");
        assert!(err.to_string().contains("VIGIL_OIDC_CLIENT_ID"), "{err}");
        let err = read(&[
            ("VIGIL_OIDC_ISSUER", "http://id.example"),
            ("VIGIL_OIDC_CLIENT_ID", "vigil"),
            ("VIGIL_OIDC_CLIENT_SECRET_FILE", "/nonexistent"),
        ])
        .expect_err("plain http elsewhere");
        assert!(err.to_string().contains("VIGIL_OIDC_ISSUER"), "{err}");
        // Passwords for administrators only would lock everyone else out without a provider.
        let err = read(&[("VIGIL_PASSWORD_SIGN_IN", "platform-admins")]).expect_err("no provider");
        assert!(err.to_string().contains("VIGIL_PASSWORD_SIGN_IN"), "{err}");
    }

    #[test]
    fn a_full_setup_reads_the_secret_from_its_file() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("secret");
        std::fs::write(&file, "s3cret\n").expect("write");
        let config = read(&[
            ("VIGIL_OIDC_ISSUER", "https://id.example"),
            ("VIGIL_OIDC_CLIENT_ID", "vigil"),
            (
                "VIGIL_OIDC_CLIENT_SECRET_FILE",
                file.to_str().expect("utf-8"),
            ),
            ("VIGIL_OIDC_NAME", "Example ID"),
        ])
        .expect("reads")
        .expect("on");
        assert_eq!(config.client_secret, "s3cret");
        assert_eq!(config.name, "Example ID");
        assert_eq!(config.create_people, None);
    }
}
