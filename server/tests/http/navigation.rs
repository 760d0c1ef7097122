//! Pages and navigation follow the signed-in person's permissions.

use crate::helpers::{COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, PLATFORM, spawn_app};

/// The main-navigation links on a page (Leptos puts `<!>` hydration markers inside elements).
fn nav_labels(html: &str) -> Vec<&'static str> {
    let html = html.replace("<!>", "");
    let nav = html
        .split("<nav aria-label=\"Main\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .unwrap_or_default();
    [
        "My training",
        "My team",
        "Compliance",
        "Content",
        "People",
        "Account",
    ]
    .into_iter()
    .filter(|label| nav.contains(&format!(">{label}</a>")))
    .collect()
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_sign_in_with_the_page_to_come_back_to() {
    let app = spawn_app().await;
    let response = app.get("/account").await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers().get("location").unwrap(),
        "/login?next=%2Faccount"
    );
}

#[tokio::test]
async fn each_person_sees_the_navigation_for_their_permissions() {
    let cases = [
        (EMPLOYEE, vec!["My training", "Account"]),
        (MANAGER, vec!["My training", "My team", "Account"]),
        (
            COMPLIANCE,
            vec!["My training", "Compliance", "Content", "People", "Account"],
        ),
        (PLATFORM, vec!["My training", "People", "Account"]),
    ];
    for (email, expected) in cases {
        let app = spawn_app().await;
        assert_eq!(app.login(email, PASSWORD).await.status(), 200);
        let response = app.get("/").await;
        assert_eq!(response.status(), 200, "{email}");
        let html = response.text().await.unwrap();
        assert_eq!(nav_labels(&html), expected, "{email}");
    }
}

#[tokio::test]
async fn a_page_outside_someones_permissions_is_forbidden() {
    let app = spawn_app().await;
    app.login(EMPLOYEE, PASSWORD).await;
    for path in ["/team", "/compliance", "/content", "/admin/people"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 403, "{path}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("You do not have access to this page")
        );
    }
}

#[tokio::test]
async fn the_platform_admin_sees_the_people_directory() {
    let app = spawn_app().await;
    app.login(PLATFORM, PASSWORD).await;
    let html = app.get("/admin/people").await.text().await.unwrap();
    assert!(
        html.contains("Erin Employee") && html.contains("mona.manager@example.com"),
        "directory lists people"
    );
}

#[tokio::test]
async fn an_unknown_address_gets_the_not_found_page() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn signed_in_people_who_open_sign_in_go_home() {
    let app = spawn_app().await;
    app.login(EMPLOYEE, PASSWORD).await;
    let response = app.get("/login").await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers().get("location").unwrap(), "/");
}
