//! Uploaded files on disk: each staged file moved under the request's private folder with
//! a cleaned name, a `.zip` extracted into a folder of its own with the guards a workbook package
//! gets (no entry outside the folder, the declared inflated total within
//! `--max-inflated-mb`, a count cap), so that the folder is then checked as `check` checks
//! a folder.

use crate::submission;
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// The limits an upload is held to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files checked per request: uploaded ones plus those extracted from zips.
    pub max_files: usize,
    /// Bytes all zips of a request may inflate to (`--max-inflated-mb`).
    pub max_inflated_bytes: u64,
}

/// Why an upload was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadError {
    TooManyFiles {
        max: usize,
    },
    /// An entry naming a place outside its folder (`../x`, `/etc/x`, `C:\x`).
    ZipUnsafe {
        zip: String,
        entry: String,
    },
    ZipTooLarge {
        zip: String,
        max_mb: u64,
    },
    ZipInvalid {
        zip: String,
        detail: String,
    },
    Io {
        detail: String,
    },
}

/// A file name safe on every system: the last component of what the browser sent, with
/// no separators, control or reserved characters, no leading dots; its extension kept.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' ']);
    // Long names are cut in the stem, keeping the extension.
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.chars().count() <= 8 => (s, Some(e)),
        _ => (cleaned, None),
    };
    let stem: String = stem.chars().take(100).collect();
    let stem = if stem.trim().is_empty() {
        "berkas".to_string()
    } else {
        stem
    };
    match ext {
        Some(e) => format!("{stem}.{e}"),
        None => stem,
    }
}

/// `name`, or `name (2)`, `name (3)`… before the extension: the first not yet taken in
/// `dir` (compared without case, as Windows and macOS file systems do).
fn unique(dir: &Path, name: &str, taken: &mut HashSet<String>) -> PathBuf {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    let mut candidate = name.to_string();
    let mut n = 2;
    while taken.contains(&candidate.to_lowercase()) {
        candidate = format!("{stem} ({n}){ext}");
        n += 1;
    }
    taken.insert(candidate.to_lowercase());
    dir.join(candidate)
}

/// [`unique`] for a file in the sub-folder `key` (relative to the upload, "" for its top)
/// of `dir`: names are told apart within that folder.
fn unique_in(dir: &Path, key: &str, name: &str, taken: &mut HashSet<String>) -> PathBuf {
    if key.is_empty() {
        return unique(dir, name, taken);
    }
    let mut folder_taken: HashSet<String> = taken
        .iter()
        .filter_map(|t| {
            t.strip_prefix(&format!("{}/", key.to_lowercase()))
                .map(str::to_string)
        })
        .collect();
    let path = unique(dir, name, &mut folder_taken);
    if let Some(n) = path.file_name() {
        taken.insert(format!("{key}/{}", n.to_string_lossy()).to_lowercase());
    }
    path
}

fn is_zip(name: &str) -> bool {
    name.to_lowercase().ends_with(".zip")
}

/// Saves the uploaded files (name as sent, staging file on the same file system) into
/// `dir`: a file is moved there, a zip is extracted into a folder named after it (its
/// staging file then removed).
pub fn save(dir: &Path, files: &[(String, PathBuf)], limits: Limits) -> Result<(), UploadError> {
    let io = |e: std::io::Error| UploadError::Io {
        detail: e.to_string(),
    };
    let mut taken = HashSet::new();
    let mut count = 0usize;
    let mut inflated = 0u64;
    for (raw, staged) in files {
        let name = clean_name(raw);
        if is_zip(&name) {
            let stem = name.get(..name.len() - 4).unwrap_or("zip").to_string();
            let folder = unique(dir, &clean_name(&stem), &mut taken);
            std::fs::create_dir(&folder).map_err(io)?;
            extract(&name, staged, &folder, limits, &mut count, &mut inflated)?;
            let _ = std::fs::remove_file(staged);
        } else {
            count += 1;
            if count > limits.max_files {
                return Err(UploadError::TooManyFiles {
                    max: limits.max_files,
                });
            }
            // A file of a dropped folder comes as "kecamatan/lra.xlsx": its folders are
            // kept (each cleaned) when they stay inside the upload, so that a regency's
            // folders are its submissions, as `check` makes them; any other name is the
            // file's own name alone.
            let folders: Vec<String> = entry_components(raw)
                .map(|mut c| {
                    c.pop();
                    c.iter().map(|f| clean_name(f)).collect()
                })
                .unwrap_or_default();
            let mut at = dir.to_path_buf();
            for f in &folders {
                at.push(f);
            }
            std::fs::create_dir_all(&at).map_err(io)?;
            let key = folders.join("/");
            let path = unique_in(&at, &key, &name, &mut taken);
            std::fs::rename(staged, &path).map_err(io)?;
        }
    }
    Ok(())
}

/// The folders of an entry's name, if it stays inside its folder: no parent steps, no
/// root, no drive, no NUL.
fn entry_components(name: &str) -> Option<Vec<String>> {
    if name.contains('\0') || name.starts_with(['/', '\\']) {
        return None;
    }
    let mut out = Vec::new();
    for c in name.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => return None,
            _ if c.contains(':') => return None,
            _ => out.push(c.to_string()),
        }
    }
    Some(out)
}

fn extract(
    zip_name: &str,
    staged: &Path,
    folder: &Path,
    limits: Limits,
    count: &mut usize,
    inflated: &mut u64,
) -> Result<(), UploadError> {
    let invalid = |detail: String| UploadError::ZipInvalid {
        zip: zip_name.to_string(),
        detail,
    };
    let too_large = || UploadError::ZipTooLarge {
        zip: zip_name.to_string(),
        max_mb: limits.max_inflated_bytes / (1024 * 1024),
    };
    let file = File::open(staged).map_err(|e| UploadError::Io {
        detail: e.to_string(),
    })?;
    let mut archive =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| invalid(e.to_string()))?;
    // Folders and files skipped below count too: a zip of a million empty entries is no
    // regency.
    if archive.len() > limits.max_files.saturating_mul(4).max(64) {
        return Err(UploadError::TooManyFiles {
            max: limits.max_files,
        });
    }
    // Every entry's name first: one that escapes refuses the whole zip before anything is
    // written; the declared sizes of what will be written within the limit.
    let mut wanted = Vec::new();
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| invalid(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| invalid(e.to_string()))?
            .to_string();
        let Some(parts) = entry_components(&name) else {
            return Err(UploadError::ZipUnsafe {
                zip: zip_name.to_string(),
                entry: name,
            });
        };
        // Folders, macOS resource forks, hidden files and anything `check` would not read.
        let skipped = entry.is_dir()
            || parts.iter().any(|p| p == "__MACOSX" || p.starts_with('.'))
            || !parts
                .last()
                .is_some_and(|n| submission::is_workbook(Path::new(n)));
        if skipped {
            continue;
        }
        declared = declared.saturating_add(entry.size());
        wanted.push((i, parts));
    }
    if inflated.saturating_add(declared) > limits.max_inflated_bytes {
        return Err(too_large());
    }
    // "Compress" on Windows and macOS zips a folder as kabupaten.zip holding kabupaten/…:
    // that folder is the zip's own, not another level (kabupaten/kabupaten/kec-a).
    let stem = zip_name
        .get(..zip_name.len().saturating_sub(4))
        .unwrap_or_default()
        .to_lowercase();
    let own_folder = !wanted.is_empty()
        && wanted.iter().all(|(_, parts)| {
            parts.len() > 1 && parts.first().is_some_and(|p| p.to_lowercase() == stem)
        });
    if own_folder {
        for (_, parts) in &mut wanted {
            parts.remove(0);
        }
    }
    let mut taken: std::collections::HashMap<PathBuf, HashSet<String>> = Default::default();
    for (i, parts) in wanted {
        *count += 1;
        if *count > limits.max_files {
            return Err(UploadError::TooManyFiles {
                max: limits.max_files,
            });
        }
        let mut dir = folder.to_path_buf();
        let (file, dirs) = parts.split_last().ok_or_else(|| invalid(String::new()))?;
        for d in dirs {
            dir.push(clean_name(d));
        }
        std::fs::create_dir_all(&dir).map_err(|e| UploadError::Io {
            detail: e.to_string(),
        })?;
        let names = taken.entry(dir.clone()).or_default();
        let path = unique(&dir, &clean_name(file), names);
        let entry = archive.by_index(i).map_err(|e| invalid(e.to_string()))?;
        // The declared size may lie: never inflate more than what is left.
        let left = limits.max_inflated_bytes.saturating_sub(*inflated);
        let mut out = std::fs::File::create(&path).map_err(|e| UploadError::Io {
            detail: e.to_string(),
        })?;
        let written = std::io::copy(&mut entry.take(left.saturating_add(1)), &mut out)
            .map_err(|e| invalid(e.to_string()))?;
        if written > left {
            return Err(too_large());
        }
        *inflated += written;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Each content written to a staging file of its own, as the form reader leaves them.
    fn stage(sent: &[(String, &[u8])]) -> (tempfile::TempDir, Vec<(String, PathBuf)>) {
        let staging = tempfile::tempdir().unwrap();
        let files = sent
            .iter()
            .enumerate()
            .map(|(i, (name, data))| {
                let path = staging.path().join(i.to_string());
                std::fs::write(&path, data).unwrap();
                (name.clone(), path)
            })
            .collect();
        (staging, files)
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_staged_zip_is_extracted_from_its_file_with_its_guards() {
        let limits = Limits {
            max_files: 10,
            max_inflated_bytes: 1 << 20,
        };
        let dir = tempfile::tempdir().unwrap();
        let good = zip_of(&[
            ("kab/trawas/lra.xlsx", b"a"),
            ("kab/trawas/catatan.txt", b"b"),
            ("__MACOSX/kab/._lra.xlsx", b"c"),
        ]);
        let (_s, files) = stage(&[("../Mojokerto.zip".into(), &good)]);
        save(dir.path(), &files, limits).unwrap();
        let read = |p: &str| std::fs::read(dir.path().join(p)).ok();
        assert_eq!(read("Mojokerto/kab/trawas/lra.xlsx"), Some(b"a".to_vec()));
        // What `check` would not read is not extracted.
        assert_eq!(read("Mojokerto/kab/trawas/catatan.txt"), None);
        assert!(!dir.path().join("Mojokerto/__MACOSX").exists());
        assert!(!files[0].1.exists());

        // One entry escaping refuses the whole zip before anything is written.
        let dir = tempfile::tempdir().unwrap();
        let evil = zip_of(&[("ok.xlsx", b"x"), ("../evil.xlsx", b"x")]);
        let (_s, files) = stage(&[("evil.zip".into(), &evil)]);
        assert_eq!(
            save(dir.path(), &files, limits),
            Err(UploadError::ZipUnsafe {
                zip: "evil.zip".into(),
                entry: "../evil.xlsx".into()
            })
        );
        assert!(!dir.path().join("evil/ok.xlsx").exists());

        // Inflated beyond the limit, and not a zip at all.
        let big = zip_of(&[("big.xlsx", &vec![0u8; 2 << 20])]);
        let (_s, files) = stage(&[("big.zip".into(), &big), ("rusak.zip".into(), b"PK no")]);
        assert_eq!(
            save(tempfile::tempdir().unwrap().path(), &files[..1], limits),
            Err(UploadError::ZipTooLarge {
                zip: "big.zip".into(),
                max_mb: 1
            })
        );
        assert!(matches!(
            save(tempfile::tempdir().unwrap().path(), &files[1..], limits),
            Err(UploadError::ZipInvalid { zip, .. }) if zip == "rusak.zip"
        ));
    }

    #[test]
    fn a_zip_of_a_folder_made_by_compress_is_not_a_level_deeper() {
        let limits = Limits {
            max_files: 10,
            max_inflated_bytes: 1 << 20,
        };
        // Windows' "Send to → Compressed folder" of kabupaten/: kabupaten.zip holding
        // kabupaten/… — its submissions are kabupaten/kec-a, not kabupaten/kabupaten/kec-a.
        let dir = tempfile::tempdir().unwrap();
        let zip = zip_of(&[
            ("Kabupaten/kec-a/lra.xlsx", b"a"),
            ("Kabupaten/kec-b/lra.xlsx", b"b"),
        ]);
        let (_s, files) = stage(&[("kabupaten.zip".into(), &zip)]);
        save(dir.path(), &files, limits).unwrap();
        let read = |p: &str| std::fs::read(dir.path().join(p)).ok();
        assert_eq!(read("kabupaten/kec-a/lra.xlsx"), Some(b"a".to_vec()));
        assert_eq!(read("kabupaten/kec-b/lra.xlsx"), Some(b"b".to_vec()));
        // A file at the zip's top, or a folder of another name, keeps every level.
        let dir = tempfile::tempdir().unwrap();
        let zip = zip_of(&[("kabupaten/kec-a/lra.xlsx", b"a"), ("lra.xlsx", b"b")]);
        let (_s, files) = stage(&[("kabupaten.zip".into(), &zip)]);
        save(dir.path(), &files, limits).unwrap();
        assert!(
            dir.path()
                .join("kabupaten/kabupaten/kec-a/lra.xlsx")
                .exists()
        );
        assert!(dir.path().join("kabupaten/lra.xlsx").exists());
    }

    #[test]
    fn names_lose_their_folders_and_reserved_characters_but_keep_the_extension() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(
            clean_name("C:\\Users\\x\\Lampiran 1.xlsx"),
            "Lampiran 1.xlsx"
        );
        assert_eq!(clean_name("..xlsx"), "xlsx");
        assert_eq!(clean_name("a<b>:c.xlsx"), "a_b__c.xlsx");
        assert_eq!(clean_name(""), "berkas");
        let long = format!("{}.xlsx", "x".repeat(300));
        assert_eq!(clean_name(&long), format!("{}.xlsx", "x".repeat(100)));
    }

    #[test]
    fn entries_outside_their_folder_are_recognised() {
        assert_eq!(
            entry_components("a/b.xlsx"),
            Some(vec!["a".into(), "b.xlsx".into()])
        );
        assert_eq!(entry_components("../b.xlsx"), None);
        assert_eq!(entry_components("a/../../b.xlsx"), None);
        assert_eq!(entry_components("/etc/b.xlsx"), None);
        assert_eq!(entry_components("C:\\b.xlsx"), None);
        assert_eq!(entry_components("a\\..\\..\\b.xlsx"), None);
    }

    #[test]
    fn files_of_a_dropped_folder_keep_their_folders_inside_the_upload() {
        let dir = tempfile::tempdir().unwrap();
        let sent: Vec<(String, &[u8])> = vec![
            ("kec-a/lra.xlsx".into(), b"a"),
            ("kec-b/lra.xlsx".into(), b"b"),
            ("kec-a/lra.xlsx".into(), b"c"),
            ("../luar.xlsx".into(), b"d"),
            ("C:\\x\\jauh.xlsx".into(), b"e"),
            ("kec:a/titik.xlsx".into(), b"f"),
        ];
        let limits = Limits {
            max_files: 10,
            max_inflated_bytes: 1 << 20,
        };
        let (_staging, files) = stage(&sent);
        save(dir.path(), &files, limits).unwrap();
        let read = |p: &str| std::fs::read(dir.path().join(p)).ok();
        assert_eq!(read("kec-a/lra.xlsx"), Some(b"a".to_vec()));
        assert_eq!(read("kec-b/lra.xlsx"), Some(b"b".to_vec()));
        assert_eq!(read("kec-a/lra (2).xlsx"), Some(b"c".to_vec()));
        // Names that would leave the upload, or name a drive, lose their folders.
        assert_eq!(read("luar.xlsx"), Some(b"d".to_vec()));
        assert_eq!(read("jauh.xlsx"), Some(b"e".to_vec()));
        assert_eq!(read("titik.xlsx"), Some(b"f".to_vec()));
        assert!(!dir.path().parent().unwrap().join("luar.xlsx").exists());
        // Moved, not copied.
        assert!(files.iter().all(|(_, p)| !p.exists()));
    }

    #[test]
    fn names_taken_get_a_number() {
        let mut taken = HashSet::new();
        let d = Path::new("d");
        assert_eq!(unique(d, "a.xlsx", &mut taken), d.join("a.xlsx"));
        assert_eq!(unique(d, "A.xlsx", &mut taken), d.join("A (2).xlsx"));
    }
}
