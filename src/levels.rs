//! The shipped challenge levels (`assets/levels`, built into the binary), the choice of a level on
//! the command line (a number or a file), and the best score per level, kept in the user's data
//! folder (`$SEQSCAPE_DATA_DIR`, else `$XDG_DATA_HOME/seqscape`, else `~/.local/share/seqscape`)
//! as `best-scores.toml`, written atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use seqscape_core::game::{Level, Score};
use serde::{Deserialize, Serialize};

use crate::error::UserError;

/// The shipped levels in order: file name and text.
pub const LEVELS: &[(&str, &str)] = &[
    ("01-corridor.toml", include_str!("../assets/levels/01-corridor.toml")),
    ("02-turn.toml", include_str!("../assets/levels/02-turn.toml")),
    ("03-around.toml", include_str!("../assets/levels/03-around.toml")),
    ("04-gap.toml", include_str!("../assets/levels/04-gap.toml")),
    ("05-wrap.toml", include_str!("../assets/levels/05-wrap.toml")),
];

/// Shipped level `number` (1-based).
pub fn shipped(number: usize) -> Result<Level, UserError> {
    let (file, text) = number.checked_sub(1).and_then(|k| LEVELS.get(k)).ok_or_else(|| {
        UserError(format!("invalid --level {number}: expected 1 to {} or a level file", LEVELS.len()))
    })?;
    Level::parse(text, file).map_err(|e| UserError(e.to_string()))
}

/// The level `spec` names: a shipped level's number, or a level file. Returns the level and its
/// number when it is a shipped one.
pub fn resolve(spec: &str) -> Result<(Level, Option<usize>), UserError> {
    match spec.trim().parse::<usize>() {
        Ok(k) => Ok((shipped(k)?, Some(k))),
        Err(_) => Ok((Level::load(Path::new(spec)).map_err(|e| UserError(e.to_string()))?, None)),
    }
}

/// The folder of the user's data: `$SEQSCAPE_DATA_DIR`, `$XDG_DATA_HOME/seqscape` or
/// `~/.local/share/seqscape`.
pub fn data_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("SEQSCAPE_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("seqscape")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/seqscape")))
}

/// The best won score of one level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Best {
    pub points: u32,
    pub time_ms: f64,
    pub ink_used: usize,
}

/// The best score per level name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BestScores {
    #[serde(default)]
    pub levels: BTreeMap<String, Best>,
}

impl BestScores {
    fn path(dir: &Path) -> PathBuf {
        dir.join("best-scores.toml")
    }

    /// The scores saved in `dir` (none if there are none or the file cannot be read).
    pub fn load(dir: &Path) -> BestScores {
        std::fs::read_to_string(Self::path(dir)).ok().and_then(|t| toml::from_str(&t).ok()).unwrap_or_default()
    }

    /// Keeps `score` for `level` if it beats the best; returns whether it did.
    pub fn offer(&mut self, level: &str, score: &Score) -> bool {
        let better = self.levels.get(level).is_none_or(|b| score.points > b.points);
        if better {
            self.levels.insert(
                level.to_string(),
                Best { points: score.points, time_ms: score.time_ms, ink_used: score.ink_used },
            );
        }
        better
    }

    /// Writes the scores to `dir` (created if needed) through a temporary file renamed into place.
    pub fn save(&self, dir: &Path) -> Result<(), String> {
        let fail = |e: &dyn std::fmt::Display| format!("cannot save the best scores in {}: {e}", dir.display());
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        let text = toml::to_string(self).map_err(|e| fail(&e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
        tmp.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
        tmp.persist(Self::path(dir)).map_err(|e| fail(&e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_level_parses_and_a_number_or_file_resolves() {
        for k in 1..=LEVELS.len() {
            shipped(k).unwrap();
        }
        assert!(shipped(0).is_err() && shipped(LEVELS.len() + 1).is_err());
        let (l, n) = resolve("2").unwrap();
        assert_eq!((l.name.as_str(), n), ("Turn", Some(2)));
        let (l, n) = resolve("assets/levels/01-corridor.toml").unwrap();
        assert_eq!((l.name.as_str(), n), ("Corridor", None));
        assert!(resolve("no/such/level.toml").unwrap_err().0.contains("no/such/level.toml"));
    }

    #[test]
    fn best_scores_keep_the_highest_and_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let level = shipped(1).unwrap();
        let mut best = BestScores::load(dir.path());
        assert!(best.levels.is_empty());
        assert!(best.offer("Corridor", &Score::new(&level, 100.0, 900)));
        assert!(!best.offer("Corridor", &Score::new(&level, 150.0, 950)), "a worse score is not kept");
        assert!(best.offer("Corridor", &Score::new(&level, 50.0, 500)));
        best.save(dir.path()).unwrap();
        let again = BestScores::load(dir.path());
        assert_eq!(again, best);
        assert_eq!(again.levels["Corridor"].ink_used, 500);
    }
}
