//! `vigil user …`.

use std::io::BufRead;

use app::error::AppError;
use app::ssr::db::people;
use app::ssr::mail::MailSettings;
use app::ssr::mail::invitations::{self, Inviter};
use app::ssr::people_admin::{self, Acting, AdminAction, NewPerson};

use sea_orm::DatabaseConnection;

use super::CommandError;
use crate::cli::UserCommand;

pub async fn run(
    db: &DatabaseConnection,
    mail: &MailSettings,
    command: UserCommand,
) -> Result<(), CommandError> {
    let now = chrono::Utc::now();
    match command {
        UserCommand::Add(args) => {
            let hire_date = match args.hire_date.as_deref() {
                Some(raw) => app::domain::person::parse_date(raw, app::error::Field::HireDate)
                    .map_err(app::error::AppError::from)?,
                None => now.date_naive(),
            };
            let (password, generated) = if args.invite {
                (None, false)
            } else if args.password_stdin {
                (Some(read_password()?), false)
            } else {
                (Some(generate_password()), true)
            };
            let inviter = command_line_inviter();
            let (person, invitation) = people_admin::add_person_as(
                db,
                NewPerson {
                    email: args.email,
                    name: args.name,
                    department: args.department,
                    job_title: args.job_title,
                    hire_date,
                    manager_email: args.manager,
                    roles: args.roles,
                    compliance_admin: args.compliance_admin,
                    platform_admin: args.platform_admin,
                    password: password.clone(),
                },
                Some(AdminAction {
                    rights: operator().rights,
                    inviter: &inviter,
                    invite: args.invite.then_some(mail),
                }),
                now,
            )
            .await?;
            println!("Added {} <{}>.", person.name, person.email);
            if let Some(message) = invitation {
                println!(
                    "Invitation queued as message {} (not sent yet): the running Vigil server delivers it, or run `vigil mail deliver`. It expires in {} days.",
                    message.message_id, mail.invitation_days
                );
            }
            if let (true, Some(password)) = (generated, password) {
                println!("Temporary password: {password}");
                println!(
                    "Give it to them privately; they can change it under Account after signing in."
                );
            }
            Ok(())
        }
        UserCommand::Invite { email } => {
            let person = people::find_by_email(db, &app::domain::email::normalise(&email))
                .await
                .map_err(AppError::from)?
                .ok_or(AppError::NotFound(app::error::Resource::Person))?;
            let message =
                invitations::send(db, mail, &command_line_inviter(), &person, now).await?;
            println!(
                "Invitation for {} queued as message {} (not sent yet); any earlier invitation no longer works.",
                person.email, message.message_id
            );
            Ok(())
        }
        UserCommand::SetRole(args) => {
            let person = people_admin::set_roles(
                db,
                &operator(),
                &args.email,
                &args.roles,
                args.compliance_admin,
                args.platform_admin,
                now,
            )
            .await?;
            let roles = people::role_slugs(db, person.id)
                .await
                .map_err(AppError::from)?;
            println!(
                "{} now has the job roles: {}.",
                person.email,
                roles.join(", ")
            );
            Ok(())
        }
        UserCommand::Deactivate { email } => {
            let person = people_admin::deactivate(db, &operator(), &email, now).await?;
            println!(
                "Deactivated {}. Their sessions have ended and they owe no more training; their history is kept.",
                person.email
            );
            Ok(())
        }
        UserCommand::SetPassword { email } => {
            let password = read_password()?;
            // The password itself never goes into the audit log; the fact it was reset does.
            people_admin::set_password(db, &operator(), &email, &password, now).await?;
            println!("Set a new password for {email} and ended their sessions.");
            Ok(())
        }
        UserCommand::List => {
            let listings = people_admin::list(db).await?;
            if listings.is_empty() {
                println!(
                    "Nobody has been added yet. Add someone with `vigil user add --email … --name …`."
                );
                return Ok(());
            }
            println!(
                "{:<32} {:<36} {:<14} {:<10} ROLES",
                "NAME", "EMAIL", "DEPARTMENT", "STATUS"
            );
            for listing in listings {
                let mut roles = listing.roles.join(",");
                if listing.person.is_compliance_admin {
                    roles.push_str(" +compliance-admin");
                }
                if listing.person.is_platform_admin {
                    roles.push_str(" +platform-admin");
                }
                println!(
                    "{:<32} {:<36} {:<14} {:<10} {}",
                    listing.person.name,
                    listing.person.email,
                    listing.department.unwrap_or_default(),
                    if listing.person.active {
                        "active"
                    } else {
                        "inactive"
                    },
                    roles
                );
            }
            Ok(())
        }
    }
}

/// The command line as the actor of an audited change.
fn command_line_inviter() -> Inviter {
    Inviter::system(&command_line_label())
}

/// The server's operator, who holds every right (the last-administrator rule still applies).
fn operator() -> Acting {
    Acting::operator(&command_line_label())
}

fn command_line_label() -> String {
    format!("vigil user ({})", whoami())
}

/// The operating-system account that ran the command, for the audit trail.
fn whoami() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown user".to_owned())
}

fn read_password() -> Result<String, CommandError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(CommandError::Usage(
            "no password was given on standard input".to_owned(),
        ));
    }
    Ok(password)
}

/// 20 random characters from an unambiguous alphabet: about 115 bits.
fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20)
        .map(|_| ALPHABET[usize::from(rand::random::<u8>()) % ALPHABET.len()] as char)
        .collect()
}
