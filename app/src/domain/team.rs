//! A manager's team: direct reports, or everyone below them in the reporting tree.

use std::collections::{HashMap, HashSet};

/// Which part of the tree to include.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Direct,
    AllBelow,
}

/// The ids of `manager`'s reports (direct, or all levels below), given (person, manager) pairs.
/// Safe on a tree with a cycle: nobody is visited twice and the manager is never their own report.
pub fn reports_of(manager: i64, links: &[(i64, Option<i64>)], scope: Scope) -> Vec<i64> {
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for (person, boss) in links {
        if let Some(boss) = boss {
            children.entry(*boss).or_default().push(*person);
        }
    }
    let mut found = Vec::new();
    let mut seen = HashSet::from([manager]);
    let mut frontier = vec![manager];
    while let Some(current) = frontier.pop() {
        let mut direct: Vec<i64> = children.get(&current).cloned().unwrap_or_default();
        direct.sort_unstable();
        for child in direct {
            if seen.insert(child) {
                found.push(child);
                if scope == Scope::AllBelow {
                    frontier.push(child);
                }
            }
        }
    }
    found.sort_unstable();
    found
}

/// Whether `person` is somewhere below `manager`.
pub fn is_below(manager: i64, person: i64, links: &[(i64, Option<i64>)]) -> bool {
    reports_of(manager, links, Scope::AllBelow).contains(&person)
}

/// Whether making `manager` the manager of `person` would create a loop.
pub fn would_loop(person: i64, manager: i64, links: &[(i64, Option<i64>)]) -> bool {
    person == manager || is_below(person, manager, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1 heads 2 and 3; 2 manages 4 and 5; 5 manages 6. 7 is elsewhere.
    fn tree() -> Vec<(i64, Option<i64>)> {
        vec![
            (1, None),
            (2, Some(1)),
            (3, Some(1)),
            (4, Some(2)),
            (5, Some(2)),
            (6, Some(5)),
            (7, None),
        ]
    }

    #[test]
    fn direct_reports_are_one_level_down() {
        assert_eq!(reports_of(2, &tree(), Scope::Direct), [4, 5]);
    }

    #[test]
    fn all_below_follows_every_level() {
        assert_eq!(reports_of(1, &tree(), Scope::AllBelow), [2, 3, 4, 5, 6]);
        assert!(reports_of(7, &tree(), Scope::AllBelow).is_empty());
    }

    #[test]
    fn another_tree_is_never_included() {
        assert!(!is_below(2, 3, &tree()), "a peer's report is not mine");
        assert!(!is_below(4, 2, &tree()), "my manager is not below me");
    }

    #[test]
    fn a_cycle_does_not_loop_forever() {
        let cyclic = vec![(1, Some(2)), (2, Some(1))];
        assert_eq!(reports_of(1, &cyclic, Scope::AllBelow), [2]);
    }

    #[test]
    fn loops_are_detected_before_they_are_made() {
        assert!(
            would_loop(2, 6, &tree()),
            "2 cannot report to 6, who is below 2"
        );
        assert!(would_loop(4, 4, &tree()));
        assert!(!would_loop(6, 3, &tree()));
    }
}
