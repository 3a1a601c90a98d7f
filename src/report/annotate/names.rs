//! Output names and the never-over-an-input rule: the name of each annotated copy under
//! OUT (inputs that share a name told apart by their folders) and what each input
//! resolves to, so that no copy is ever written over one.

use super::*;

/// The input files of a run, prepared for annotated copies: the name of each copy, and
/// what each input resolves to (so that no copy is written over one).
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Every input: as given, made absolute lexically, resolved (symlinks), its identity.
    files: Vec<InputFile>,
    /// The index in `files` of each input by its lexical path, its resolved path and its
    /// identity: a copy is checked against a regency's inputs without a walk over them.
    by_lexical: HashMap<PathBuf, usize>,
    by_canonical: HashMap<PathBuf, usize>,
    by_id: HashMap<(u64, u64), usize>,
    names: HashMap<PathBuf, String>,
    per_folder: bool,
    /// How the inputs are read again for their copies (the run's reading limits).
    read: ReadOptions,
}

#[derive(Debug, Clone)]
pub(super) struct InputFile {
    given: PathBuf,
    lexical: PathBuf,
    canonical: Option<PathBuf>,
    id: Option<(u64, u64)>,
}

#[cfg(unix)]
pub(super) fn file_id(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub(super) fn file_id(_: &Path) -> Option<(u64, u64)> {
    None
}

impl Inputs {
    /// Inputs whose copies all go into one folder: copies of inputs that share a name are
    /// told apart (see [`output_file_name`]).
    pub fn new(inputs: &[PathBuf]) -> Inputs {
        Inputs::prepare(inputs, false)
    }

    /// Inputs whose copies go into one folder per input folder (a caller mirroring the
    /// input folders under OUT): names are told apart only among inputs of the same folder.
    pub fn per_folder(inputs: &[PathBuf]) -> Inputs {
        Inputs::prepare(inputs, true)
    }

    fn prepare(inputs: &[PathBuf], per_folder: bool) -> Inputs {
        let cwd = std::env::current_dir().unwrap_or_default();
        let files: Vec<InputFile> = inputs
            .iter()
            .map(|p| InputFile {
                given: p.clone(),
                lexical: lexical_absolute(&cwd, p),
                canonical: std::fs::canonicalize(p).ok(),
                id: file_id(p),
            })
            .collect();
        let (mut by_lexical, mut by_canonical, mut by_id) =
            (HashMap::new(), HashMap::new(), HashMap::new());
        for (i, f) in files.iter().enumerate() {
            by_lexical.entry(f.lexical.clone()).or_insert(i);
            if let Some(c) = &f.canonical {
                by_canonical.entry(c.clone()).or_insert(i);
            }
            if let Some(id) = f.id {
                by_id.entry(id).or_insert(i);
            }
        }
        Inputs {
            files,
            by_lexical,
            by_canonical,
            by_id,
            names: names_of(inputs, per_folder),
            per_folder,
            read: ReadOptions::default(),
        }
    }

    /// Read the inputs again for their copies (their packages, styles, formulas) within
    /// `read`, the run's reading limits (default: [`ReadOptions::default`]).
    pub fn reading_with(mut self, read: ReadOptions) -> Inputs {
        self.read = read;
        self
    }

    /// The run's reading limits, for reading an input again for its copy.
    pub(super) fn read_options(&self) -> &ReadOptions {
        &self.read
    }

    /// The file name (in OUT) of the copy of `file` (its extension as
    /// [`copy_extension`] says).
    pub fn output_name(&self, file: &Path) -> String {
        self.output_name_with(file, copy_extension(file))
    }

    /// The file name (in OUT) of the copy of `file` when the copy has the extension `ext`
    /// (a Word document's copy stays a `.docx`/`.docm`): the same name as [`output_name`](
    /// Self::output_name) gives, with that extension.
    pub fn output_name_with(&self, file: &Path, ext: &str) -> String {
        match self.names.get(file) {
            Some(n) => format!("{n}.{ext}"),
            None => {
                // Not among the inputs: name it as if it were.
                let mut all: Vec<PathBuf> = self.files.iter().map(|f| f.given.clone()).collect();
                all.push(file.to_path_buf());
                let names = names_of(&all, self.per_folder);
                format!(
                    "{}.{ext}",
                    names.get(file).cloned().unwrap_or_else(|| stem(file))
                )
            }
        }
    }

    /// The copy of `source` in `out_dir` with the extension `ext`: its file name and path,
    /// refused if it is an input, before OUT is made and again once it exists (through its
    /// resolved path: symlinks, `..`).
    pub(super) fn prepare_output(
        &self,
        source: &Path,
        ext: &str,
        out_dir: &Path,
    ) -> Result<(String, PathBuf), AnnotateError> {
        let name = self.output_name_with(source, ext);
        let output = out_dir.join(&name);
        self.check_not_input(&output, source)?;
        std::fs::create_dir_all(out_dir).map_err(|e| io_err(out_dir, e))?;
        self.check_not_input(&output, source)?;
        Ok((name, output))
    }

    /// Refuse an output path that is an input file (`source` included): the same path, the
    /// same path once resolved (symlinks, `..`), or (Unix) the same file under another
    /// name (a hard link).
    pub fn check_not_input(&self, output: &Path, source: &Path) -> Result<(), AnnotateError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let out_lexical = lexical_absolute(&cwd, output);
        // Where the output would be once its folder is resolved, and what is there now.
        let out_resolved = std::fs::canonicalize(output).ok().or_else(|| {
            let dir = output.parent().filter(|d| !d.as_os_str().is_empty())?;
            Some(std::fs::canonicalize(dir).ok()?.join(output.file_name()?))
        });
        let out_id = file_id(output);
        let source_file = InputFile {
            given: source.to_path_buf(),
            lexical: lexical_absolute(&cwd, source),
            canonical: std::fs::canonicalize(source).ok(),
            id: file_id(source),
        };
        let refuse = |f: &InputFile| AnnotateError::WouldOverwrite {
            output: output.to_path_buf(),
            input: f.given.clone(),
        };
        let same = |f: &InputFile| {
            f.lexical == out_lexical
                || (f.canonical.is_some() && f.canonical == out_resolved)
                || (out_id.is_some() && f.id == out_id)
        };
        if same(&source_file) {
            return Err(refuse(&source_file));
        }
        let hit = self
            .by_lexical
            .get(&out_lexical)
            .or_else(|| out_resolved.as_ref().and_then(|r| self.by_canonical.get(r)))
            .or_else(|| out_id.as_ref().and_then(|id| self.by_id.get(id)));
        match hit.and_then(|&i| self.files.get(i)) {
            Some(f) => Err(refuse(f)),
            None => Ok(()),
        }
    }
}

/// The extension of the annotated copy of `file`: the input's own for packages that are
/// patched (`.xlsm` keeps its macros, `.docx`/`.docm`), else `xlsx` (a rebuilt workbook).
pub fn copy_extension(file: &Path) -> &'static str {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "xlsm" => "xlsm",
        "docx" => "docx",
        "docm" => "docm",
        _ => "xlsx",
    }
}

/// The file name (in OUT) of the annotated copy of `file`, given every input of the run:
/// the input's name with the extension of [`copy_extension`] (`lra.xls` → `lra.xlsx`,
/// `lra.xlsm` → `lra.xlsm`). Inputs sharing a name (case
/// insensitive, extension aside) are told apart by their parent folders, as few as needed
/// (`kec-a-lra.xlsx`, `kec-b-lra.xlsx`), then by their extension (`lra-xls.xlsx`), then
/// by a number in the order of their paths. Depends only on `file` and the set of
/// `inputs`, so every call of a run agrees.
pub fn output_file_name(file: &Path, inputs: &[PathBuf]) -> String {
    let mut all: Vec<PathBuf> = inputs.to_vec();
    all.push(file.to_path_buf());
    let names = names_of(&all, false);
    format!(
        "{}.{}",
        names.get(file).cloned().unwrap_or_else(|| stem(file)),
        copy_extension(file)
    )
}

/// Names (without `.xlsx`) of every distinct input, told apart among all inputs or only
/// among those of the same folder.
pub(super) fn names_of(inputs: &[PathBuf], per_folder: bool) -> HashMap<PathBuf, String> {
    let mut all: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    all.sort();
    all.dedup();
    let mut out = HashMap::new();
    if per_folder {
        let mut folders: BTreeMap<&Path, Vec<&Path>> = BTreeMap::new();
        for p in all {
            folders
                .entry(p.parent().unwrap_or(Path::new("")))
                .or_default()
                .push(p);
        }
        for group in folders.values() {
            for (p, n) in group.iter().zip(disambiguate(group)) {
                out.insert(p.to_path_buf(), n);
            }
        }
    } else {
        for (p, n) in all.iter().zip(disambiguate(&all)) {
            out.insert(p.to_path_buf(), n);
        }
    }
    out
}

pub(super) fn stem(p: &Path) -> String {
    let s = p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    sanitize_file_part(&s)
}

pub(super) fn sanitize_file_part(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let out = out
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if out.is_empty() {
        "workbook".into()
    } else {
        out
    }
}

/// Names (without `.xlsx`) for sorted, distinct paths.
pub(super) fn disambiguate(all: &[&Path]) -> Vec<String> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in all.iter().enumerate() {
        groups.entry(stem(p).to_lowercase()).or_default().push(i);
    }
    let mut names: Vec<String> = all.iter().map(|p| stem(p)).collect();
    let mut plain: HashSet<String> = HashSet::new();
    let mut crowded: Vec<usize> = Vec::new();
    for members in groups.values() {
        if let [only] = members.as_slice() {
            if let Some(name) = names.get(*only) {
                plain.insert(name.to_lowercase());
            }
        } else {
            crowded.extend(members.iter().copied());
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let parents: Vec<Vec<String>> = members
            .iter()
            .map(|&i| {
                all.get(i)
                    .and_then(|p| p.parent())
                    .map(|d| {
                        d.components()
                            .filter_map(|c| match c {
                                std::path::Component::Normal(s) => {
                                    Some(sanitize_file_part(&s.to_string_lossy()))
                                }
                                _ => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        // As few parent folders as tell apart the members in different folders.
        let depth = parents.iter().map(Vec::len).max().unwrap_or(0);
        let folders = parents.iter().collect::<HashSet<_>>().len();
        let stems: Vec<&str> = members
            .iter()
            .map(|&i| names.get(i).map_or("", String::as_str))
            .collect();
        // Every member's name with its last `k` parent folders in front.
        let labels_at = |k: usize| -> Vec<String> {
            parents
                .iter()
                .zip(&stems)
                .map(|(ps, stem)| {
                    let from = ps.len().saturating_sub(k);
                    let mut parts: Vec<&str> = ps.iter().skip(from).map(String::as_str).collect();
                    parts.push(stem);
                    parts.join("-")
                })
                .collect()
        };
        let mut chosen: Vec<String> = labels_at(depth);
        for k in 0..=depth {
            let labels: Vec<String> = labels_at(k);
            let distinct: HashSet<String> = labels.iter().map(|l| l.to_lowercase()).collect();
            if distinct.len() == folders {
                chosen = labels;
                break;
            }
        }
        // Still equal (same folders): add the extension.
        let counts = count_lower(&chosen);
        for (c, &i) in chosen.iter_mut().zip(members) {
            if counts.get(&c.to_lowercase()).is_some_and(|&n| n > 1) {
                let ext = all
                    .get(i)
                    .and_then(|p| p.extension())
                    .map(|e| sanitize_file_part(&e.to_string_lossy()).to_lowercase())
                    .unwrap_or_default();
                if !ext.is_empty() {
                    c.push('-');
                    c.push_str(&ext);
                }
            }
        }
        for (c, &i) in chosen.into_iter().zip(members) {
            if let Some(name) = names.get_mut(i) {
                *name = c;
            }
        }
    }
    // Last resort, in path order: a number for a name already taken.
    let mut taken: HashSet<String> = plain;
    for &i in crowded.iter().collect::<std::collections::BTreeSet<_>>() {
        let Some(name) = names.get_mut(i) else {
            continue;
        };
        let base = name.clone();
        let mut candidate = base.clone();
        let mut n = 2;
        while !taken.insert(candidate.to_lowercase()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        *name = candidate;
    }
    names
}

pub(super) fn count_lower(v: &[String]) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for s in v {
        *m.entry(s.to_lowercase()).or_insert(0) += 1;
    }
    m
}

/// A path made absolute and `.`/`..`-free without touching the file system.
pub(super) fn lexical_absolute(cwd: &Path, p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}
