//! The content hash that identifies one exact version of a course.

use sha2::{Digest, Sha256};

use super::source::CourseSource;

/// SHA-256, hex, over every file in path order: path, NUL, length, NUL, bytes. Any changed,
/// added, removed or renamed byte changes it; nothing else (file times, zip layout) does.
pub fn content_hash(source: &CourseSource) -> String {
    let mut hasher = Sha256::new();
    for (path, bytes) in source.files() {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(bytes.len().to_string().as_bytes());
        hasher.update([0]);
        hasher.update(bytes);
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(files: &[(&str, &str)]) -> CourseSource {
        CourseSource::new(
            files
                .iter()
                .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec())),
        )
        .unwrap()
    }

    #[test]
    fn the_same_files_in_any_order_hash_the_same() {
        let a = source(&[("course.toml", "x"), ("01-a.md", "y")]);
        let b = source(&[("01-a.md", "y"), ("course.toml", "x")]);
        assert_eq!(content_hash(&a), content_hash(&b));
        assert_eq!(content_hash(&a).len(), 64);
    }

    #[test]
    fn any_change_to_content_or_names_changes_the_hash() {
        let base = content_hash(&source(&[("course.toml", "x"), ("01-a.md", "y")]));
        assert_ne!(
            base,
            content_hash(&source(&[("course.toml", "x"), ("01-a.md", "y ")]))
        );
        assert_ne!(
            base,
            content_hash(&source(&[("course.toml", "x"), ("01-b.md", "y")]))
        );
        assert_ne!(base, content_hash(&source(&[("course.toml", "x")])));
        // Moving bytes between a name and its content cannot collide.
        assert_ne!(
            content_hash(&source(&[("ab.md", "c")])),
            content_hash(&source(&[("a.md", "bc")]))
        );
    }
}
