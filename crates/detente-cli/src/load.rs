//! Finding, reading and recognising scenario files: the CLI's file IO.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use detente_core::{Scenario, Warning, WeightPolicy};
use detente_formats::genius::InputFile;
use detente_formats::{genius, geniusweb, ktab, scenario_json, scenario_toml};

/// Scenario files larger than this are refused before they are read: the
/// largest GENIUS file we know is a few hundred kilobytes.
const MAX_FILE_BYTES: u64 = 64 << 20;

#[derive(Debug)]
pub(crate) struct LoadedScenario {
    pub(crate) path: PathBuf,
    /// What kind of file it was, for the report.
    pub(crate) format: &'static str,
    pub(crate) scenario: Scenario,
    pub(crate) warnings: Vec<Warning>,
}

/// Reads a scenario from a file or folder, recognising its format.
pub(crate) fn load_scenario(path: &Path, strict_weights: bool) -> anyhow::Result<LoadedScenario> {
    let policy = if strict_weights { WeightPolicy::Refuse } else { WeightPolicy::Normalise };
    let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let (format, (scenario, warnings)) = if metadata.is_dir() {
        load_folder(path, policy)?
    } else {
        match ext.as_deref() {
            Some("toml") => {
                let text = read_text(path)?;
                ("Detente TOML", scenario_toml::load_toml(&display_name(path), &text, policy)?)
            }
            Some("csv") => {
                let text = read_text(path)?;
                ("KTAB actor table", ktab::load_ktab_csv(&display_name(path), &text)?)
            }
            Some("json") => {
                let text = read_text(path)?;
                if looks_like_geniusweb(&text) {
                    load_folder(parent(path), policy)?
                } else {
                    ("Detente JSON", scenario_json::load_json(&display_name(path), &text, policy)?)
                }
            }
            // Any file of a GENIUS scenario stands for its folder: the domain
            // alone does not say which profiles belong to it.
            Some("xml") => load_folder(parent(path), policy)?,
            _ => bail!(
                "{}: unknown scenario format; expected .toml, .json, .csv (KTAB), .xml (GENIUS) or a folder",
                path.display()
            ),
        }
    };
    Ok(LoadedScenario { path: path.to_owned(), format, scenario, warnings })
}

type Built = (Scenario, Vec<Warning>);

fn load_folder(dir: &Path, policy: WeightPolicy) -> anyhow::Result<(&'static str, Built)> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut xml = Vec::new();
    let mut json = Vec::new();
    for p in entries {
        match p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("xml") => xml.push((display_name(&p), read_text(&p)?)),
            Some("json") => json.push((display_name(&p), read_text(&p)?)),
            _ => {}
        }
    }
    if !xml.is_empty() {
        Ok(("GENIUS XML", genius::load_genius(&as_inputs(&xml), policy)?))
    } else if !json.is_empty() {
        Ok(("GeniusWeb JSON", geniusweb::load_geniusweb(&as_inputs(&json), policy)?))
    } else {
        bail!("{}: no .xml (GENIUS) or .json (GeniusWeb) files in this folder", dir.display())
    }
}

fn as_inputs(files: &[(String, String)]) -> Vec<InputFile<'_>> {
    files.iter().map(|(name, text)| InputFile { name, text }).collect()
}

fn looks_like_geniusweb(text: &str) -> bool {
    text.contains("LinearAdditiveUtilitySpace") || text.contains("\"issuesValues\"")
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The name errors use for a file: the path as the user gave it.
fn display_name(path: &Path) -> String {
    path.display().to_string()
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let len = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len();
    if len > MAX_FILE_BYTES {
        bail!("{}: {len} bytes is more than the {MAX_FILE_BYTES} a scenario file may have", path.display());
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!("{}: not UTF-8 text (invalid byte at offset {})", path.display(), e.utf8_error().valid_up_to())
    })
}
