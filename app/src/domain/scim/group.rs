//! A SCIM Group: one of Vigil's job roles, whose members are the people holding it.

use serde_json::{Value, json};

use super::filter::member;
use super::user::{Reference, check_schemas_of, optional_string, unknown};
use super::{GROUP_SCHEMA, ScimError, ScimType};

/// Most members one request may set.
pub const MAX_MEMBERS: usize = 100_000;

/// What a request asks Vigil to store about a group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupInput {
    pub external_id: Option<String>,
    pub display_name: String,
    /// The members' user ids; `None` when the request did not mention members.
    pub members: Option<Vec<String>>,
}

/// Reads a POST or PUT body (or a patched representation).
pub fn read(body: &Value) -> Result<GroupInput, ScimError> {
    let object = body.as_object().ok_or_else(|| {
        ScimError::bad(ScimType::InvalidSyntax, "The body must be a JSON object.")
    })?;
    check_schemas_of(object, GROUP_SCHEMA, &[])?;
    let mut input = GroupInput::default();
    for (key, value) in object {
        match key.to_ascii_lowercase().as_str() {
            "schemas" | "id" | "meta" => {}
            "externalid" => input.external_id = optional_string(value, "externalId")?,
            "displayname" => {
                input.display_name = optional_string(value, "displayName")?.unwrap_or_default()
            }
            "members" => input.members = Some(members(value)?),
            _ => return Err(unknown(key)),
        }
    }
    if input.display_name.is_empty() {
        return Err(ScimError::bad(
            ScimType::InvalidValue,
            "\"displayName\" is required.",
        ));
    }
    Ok(input)
}

fn members(value: &Value) -> Result<Vec<String>, ScimError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => {
            return Err(ScimError::bad(
                ScimType::InvalidValue,
                "\"members\" must be a list.",
            ));
        }
    };
    if items.len() > MAX_MEMBERS {
        return Err(ScimError::bad(
            ScimType::TooMany,
            format!("At most {MAX_MEMBERS} members per request."),
        ));
    }
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let Some(object) = item.as_object() else {
            return Err(ScimError::bad(
                ScimType::InvalidValue,
                "Each member must be an object with \"value\".",
            ));
        };
        for key in object.keys() {
            if !["value", "$ref", "display", "type"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
            {
                return Err(unknown(&format!("members.{key}")));
            }
        }
        if member(item, "type")
            .and_then(Value::as_str)
            .is_some_and(|t| !t.eq_ignore_ascii_case("User"))
        {
            return Err(ScimError::bad(
                ScimType::InvalidValue,
                "Members must be users: Vigil's job roles do not nest.",
            ));
        }
        let id = optional_string(
            member(item, "value").unwrap_or(&Value::Null),
            "members.value",
        )?
        .ok_or_else(|| {
            ScimError::bad(
                ScimType::InvalidValue,
                "Each member needs a \"value\" (the user's id).",
            )
        })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// What Vigil knows about a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupView {
    pub id: String,
    pub external_id: Option<String>,
    pub display_name: String,
    pub members: Vec<Reference>,
}

/// The representation, with absolute locations under `base`.
pub fn to_resource(group: &GroupView, base: &str) -> Value {
    let mut resource = json!({
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": group.display_name,
        "meta": {"resourceType": "Group", "location": format!("{base}/Groups/{}", group.id)},
    });
    if let Some(external_id) = &group.external_id {
        resource["externalId"] = json!(external_id);
    }
    if !group.members.is_empty() {
        resource["members"] = Value::Array(
            group
                .members
                .iter()
                .map(|person| {
                    let mut entry = json!({"value": person.id, "$ref": format!("{base}/Users/{}", person.id), "type": "User"});
                    if let Some(display) = &person.display {
                        entry["display"] = json!(display);
                    }
                    entry
                })
                .collect(),
        );
    }
    resource
}

/// Which Group attributes compare strings exactly in filters.
pub fn case_exact(attribute: &str) -> bool {
    matches!(
        attribute.to_ascii_lowercase().as_str(),
        "id" | "externalid" | "members.value"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_round_trips_and_bad_members_are_refused() {
        let body = json!({"schemas": [GROUP_SCHEMA], "displayName": "Developers", "externalId": "g-1",
            "members": [{"value": "u-1", "$ref": "https://v/scim/v2/Users/u-1", "type": "User"}, {"value": "u-1"}]});
        let input = read(&body).expect("reads");
        assert_eq!(input.members, Some(vec!["u-1".to_owned()]));
        let view = GroupView {
            id: "developers".into(),
            external_id: input.external_id.clone(),
            display_name: input.display_name.clone(),
            members: vec![Reference {
                id: "u-1".into(),
                display: None,
            }],
        };
        let resource = to_resource(&view, "https://v/scim/v2");
        assert_eq!(
            resource["members"],
            json!([{"value": "u-1", "$ref": "https://v/scim/v2/Users/u-1", "type": "User"}])
        );
        assert_eq!(
            read(&resource).expect("reads back").display_name,
            "Developers"
        );
        for (bad, scim_type) in [
            (json!({"schemas": [GROUP_SCHEMA]}), ScimType::InvalidValue),
            (
                json!({"schemas": [GROUP_SCHEMA], "displayName": "x", "members": [{"value": "g", "type": "Group"}]}),
                ScimType::InvalidValue,
            ),
            (
                json!({"schemas": [GROUP_SCHEMA], "displayName": "x", "owner": "y"}),
                ScimType::InvalidSyntax,
            ),
        ] {
            assert_eq!(
                read(&bad).expect_err(&bad.to_string()).scim_type,
                Some(scim_type)
            );
        }
    }
}
