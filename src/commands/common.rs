//! What the batch commands share and that depends on no other command: the output folder check,
//! the files a new run removes, the progress bar around a simulation and the peak memory.

use std::io::IsTerminal;
use std::path::Path;

use crate::error::UserError;

/// Files that an analysis of an earlier run left in a folder; a new run removes them, so a folder
/// never mixes a new run with an old analysis.
pub const DERIVED_FILES: [&str; 3] = ["sequences.json", "sequences.png", "sequences.npz"];

/// Creates `dir` if needed and checks that files can be written into it, before any simulation.
pub fn prepare_out_dir(dir: &Path) -> Result<(), UserError> {
    let fail = |e: std::io::Error| {
        UserError(format!(
            "cannot write to output folder '{}': {e}; choose a writable folder with --out",
            dir.display()
        ))
    };
    if dir.exists() && !dir.is_dir() {
        return Err(UserError(format!(
            "output path '{}' exists and is not a folder; choose a folder with --out",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".seqscape-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// A progress bar on a terminal (none in logs or CI).
pub fn progress_bar(label: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(1000);
    let style = indicatif::ProgressStyle::with_template("{prefix:>12} [{bar:40}] {msg} ({eta})")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(label.to_string());
    Some(bar)
}

/// Peak resident memory of this process in MB (Linux), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs `simulate` with a progress bar on a terminal: `simulate` gets the callback its runner calls
/// with (simulated ms done, ms in total).
pub fn with_progress<T>(
    label: &str,
    simulate: impl FnOnce(&mut dyn FnMut(f64, f64)) -> Result<T, UserError>,
) -> Result<T, UserError> {
    let bar = progress_bar(label);
    let run = simulate(&mut |done, total| {
        if let Some(b) = &bar {
            b.set_position((1000.0 * done / total) as u64);
            b.set_message(format!("{:.1} / {:.1} s", done / 1000.0, total / 1000.0));
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(run)
}

/// A frame size `WIDTHxHEIGHT`, 16 to 4096 pixels each.
pub fn parse_size(text: &str) -> Result<(usize, usize), UserError> {
    let bad = || UserError(format!("invalid size '{text}': expected WIDTHxHEIGHT, e.g. 800x600 (16 to 4096 each)"));
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h): (usize, usize) = (w.trim().parse().map_err(|_| bad())?, h.trim().parse().map_err(|_| bad())?);
    if !(16..=4096).contains(&w) || !(16..=4096).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}
