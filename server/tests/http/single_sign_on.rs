//! Single sign-on settings: a provider that cannot be discovered stops start-up, naming the
//! setting to fix. (Signing in through a real provider is tested in the browser tests.)

use server::config::{Config, FileConfig, Overrides};
use server::startup::Application;

#[tokio::test]
async fn a_misconfigured_issuer_stops_start_up_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("oidc-secret");
    std::fs::write(&secret, "s3cret").unwrap();
    // Nothing listens on this port: discovery cannot succeed.
    let closed = crate::smtp::closed_port();
    let vars = [
        (
            "DATABASE_URL",
            format!("sqlite://{}/vigil.db", dir.path().display()),
        ),
        ("VIGIL_LISTEN", "127.0.0.1:0".to_owned()),
        ("VIGIL_SECRET", crate::helpers::SECRET.to_owned()),
        ("VIGIL_SITE_ROOT", dir.path().display().to_string()),
        (
            "VIGIL_CONTENT_DIR",
            dir.path().join("none").display().to_string(),
        ),
        (
            "VIGIL_EVIDENCE_KEY_FILE",
            dir.path().join("key.pem").display().to_string(),
        ),
        ("VIGIL_MAIL", "off".to_owned()),
        ("VIGIL_OIDC_ISSUER", format!("http://127.0.0.1:{closed}")),
        ("VIGIL_OIDC_CLIENT_ID", "vigil".to_owned()),
        (
            "VIGIL_OIDC_CLIENT_SECRET_FILE",
            secret.display().to_string(),
        ),
    ];
    let config = Config::from_sources(
        FileConfig::default(),
        &|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        },
        Overrides::default(),
    )
    .expect("the settings themselves are complete");
    let err = match Application::build(&config).await {
        Ok(_) => panic!("start-up must stop when the provider cannot be discovered"),
        Err(err) => err.to_string(),
    };
    assert!(err.contains("VIGIL_OIDC_ISSUER"), "{err}");
    assert!(
        err.contains(&format!(
            "127.0.0.1:{closed}/.well-known/openid-configuration"
        )),
        "{err}"
    );

    // Half a configuration is refused before anything starts.
    let partial = Config::from_sources(
        FileConfig::default(),
        &|name| {
            vars.iter()
                .filter(|(k, _)| *k != "VIGIL_OIDC_CLIENT_ID")
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        },
        Overrides::default(),
    );
    let err = partial.err().expect("refused").to_string();
    assert!(err.contains("VIGIL_OIDC_CLIENT_ID"), "{err}");
}
