//! A published version's folder as a zip: `<course id>/course.toml`, lessons, quiz and images,
//! exactly the files that were published, ready to unpack into `content/` and commit.

use std::io::{Cursor, Write};

use crate::error::AppError;
use crate::ssr::internal;

/// Zips `files` under the folder `slug/`.
pub fn folder_zip(slug: &str, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, AppError> {
    let failed = |err: &dyn std::fmt::Display| internal("zipping a course version", err);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, bytes) in files {
        writer
            .start_file(format!("{slug}/{path}"), options)
            .map_err(|err| failed(&err))?;
        writer.write_all(bytes).map_err(|err| failed(&err))?;
    }
    Ok(writer.finish().map_err(|err| failed(&err))?.into_inner())
}
